import ExcelJS from 'exceljs';
import Papa from 'papaparse';

import { IMPORT_MAX_ROWS, type ImportFormat } from '@contracts/dto/import';
import { importsError } from '@server/modules/imports/imports.errors';

export interface SheetTable {
  format: ImportFormat;
  columns: string[];
  rows: string[][];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** XLSX is a zip; everything else we accept must be CSV text. The name only breaks ties for the user's intent. */
export function detectFormat(fileName: string, data: Buffer): ImportFormat {
  const isZip = ZIP_MAGIC.every((b, i) => data[i] === b);
  if (isZip) return 'xlsx';
  if (/\.(xlsx|xlsm|xls|ods)$/i.test(fileName)) throw importsError('IMPORT_UNSUPPORTED_FILE');
  return 'csv';
}

/**
 * UTF-8 (with or without BOM) first; Russian Excel still saves "CSV" in Windows-1251, so a file that
 * is not valid UTF-8 is decoded as that rather than turned into replacement characters.
 */
export function decodeText(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1251').decode(data);
  }
}

function parseCsv(data: Buffer): string[][] {
  // Delimiter auto-detected: Excel in the ru locale writes `;`, most tools `,`; tabs are allowed too.
  const result = Papa.parse<string[]>(decodeText(data), {
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: 'greedy',
  });
  if (result.data.length === 0 && result.errors.length > 0) throw importsError('IMPORT_UNREADABLE');
  return result.data.map((row) => row.map((c) => String(c)));
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  // Phones typed as numbers would come back as 7.9e10 through `text`; keep all their digits.
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && 'result' in v) return v.result === undefined ? '' : String(v.result);
  return cell.text ?? '';
}

async function parseXlsx(data: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (cause) {
    throw importsError('IMPORT_UNREADABLE', cause);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c += 1) cells.push(cellText(row.getCell(c)).trim());
    if (cells.some(Boolean)) rows.push(cells);
  });
  return rows;
}

/** The first sheet (or the CSV) as a header row plus data rows; rejects empty files and too many rows. */
export async function readSheet(fileName: string, data: Buffer): Promise<SheetTable> {
  const format = detectFormat(fileName, data);
  const all = format === 'xlsx' ? await parseXlsx(data) : parseCsv(data);
  const [header, ...rows] = all;
  if (!header || rows.length === 0) throw importsError('IMPORT_EMPTY');
  if (rows.length > IMPORT_MAX_ROWS) throw importsError('IMPORT_TOO_MANY_ROWS');
  const width = Math.max(header.length, ...rows.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, i) => header[i]?.trim() || `#${i + 1}`);
  return { format, columns, rows };
}
