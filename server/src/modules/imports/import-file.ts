import { Readable } from 'node:stream';

import type ExcelJS from 'exceljs';
import Papa from 'papaparse';

import { IMPORT_MAX_COLUMNS, IMPORT_MAX_ROWS, type ImportFormat } from '@contracts/dto/import';
import { AppError } from '@server/common/errors/app-error';
import { loadExcelJs } from '@server/common/export/exceljs';
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

/**
 * Collects rows as the parser produces them and applies the caps at once, so a hostile file is refused at the
 * first row past a cap instead of after it has been read whole. Trailing empty cells are dropped (a row of a
 * million commas is an empty row); a value further right than IMPORT_MAX_COLUMNS refuses the file.
 */
class SheetCollector {
  private header: string[] | null = null;
  readonly rows: string[][] = [];

  add(cells: string[], line: number): void {
    let end = cells.length;
    while (end > 0 && !cells[end - 1]!.trim()) end -= 1;
    if (end === 0) return;
    if (end > IMPORT_MAX_COLUMNS) throw tooManyColumns(line);
    const row = end === cells.length ? cells : cells.slice(0, end);
    if (!this.header) this.header = row;
    else if (this.rows.push(row) > IMPORT_MAX_ROWS) {
      throw importsError('IMPORT_TOO_MANY_ROWS', { limits: { maxRows: IMPORT_MAX_ROWS } });
    }
  }

  table(format: ImportFormat): SheetTable {
    const header = this.header;
    if (!header || this.rows.length === 0) throw importsError('IMPORT_EMPTY');
    const width = this.rows.reduce((w, r) => Math.max(w, r.length), header.length);
    const columns = Array.from({ length: width }, (_, i) => header[i]?.trim() || `#${i + 1}`);
    return { format, columns, rows: this.rows };
  }
}

const tooManyColumns = (line: number) =>
  importsError('IMPORT_TOO_MANY_COLUMNS', { limits: { maxColumns: IMPORT_MAX_COLUMNS, line } });

/** From the first line break, wherever it is (papaparse looks only at the first megabyte). */
function lineEnding(text: string): '\r\n' | '\n' | '\r' {
  const lf = text.indexOf('\n');
  if (lf === -1) return text.includes('\r') ? '\r' : '\n';
  return text[lf - 1] === '\r' ? '\r\n' : '\n';
}

function parseCsv(data: Buffer, sheet: SheetCollector): void {
  const text = decodeText(data);
  let failure: unknown = null;
  let scanned = 0;
  let line = 1;
  // Row by row (papaparse's step): nothing but the kept rows is held, and a cap stops the parse where it is hit.
  // Delimiter auto-detected: Excel in the ru locale writes `;`, most tools `,`; tabs are allowed too. Empty lines
  // are skipped (detection needs that), so a row's line is counted from where it ends.
  Papa.parse<string[]>(text, {
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: 'greedy',
    newline: lineEnding(text),
    step: (result, parser) => {
      for (const end = result.meta.cursor - 1; scanned < end; scanned += 1) if (text[scanned] === '\n') line += 1;
      try {
        sheet.add(result.data, line);
      } catch (err) {
        failure = err;
        parser.abort();
      }
    },
  });
  if (failure) throw failure;
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

/** The row's values by column, visiting only the cells the file defines (a row may name column XFD alone). */
function rowCells(row: ExcelJS.Row): string[] {
  const cells: string[] = [];
  row.eachCell((cell, column) => {
    const text = cellText(cell).trim();
    if (!text) return;
    if (column > IMPORT_MAX_COLUMNS) throw tooManyColumns(row.number);
    cells[column - 1] = text;
  });
  return Array.from(cells, (c) => c ?? '');
}

/**
 * The first sheet (in tab order), streamed: exceljs's WorkbookReader inflates and parses row by row, so memory
 * follows the rows kept, not the size of the sheet. Shared strings are held (cells refer to them by index).
 */
async function parseXlsx(data: Buffer, sheet: SheetCollector): Promise<void> {
  const { stream } = await loadExcelJs();
  const reader = new stream.xlsx.WorkbookReader(Readable.from([data]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Number formats tell dates from numbers; hyperlinks and the rest are not needed.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of reader) {
      const first = (reader.model as { sheets?: { id: number }[] } | undefined)?.sheets?.[0]?.id;
      if (first !== undefined && (worksheet as unknown as { id: unknown }).id !== first) continue;
      for await (const row of worksheet) sheet.add(rowCells(row), row.number);
      return;
    }
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw importsError('IMPORT_UNREADABLE', { cause });
  }
}

/**
 * The first sheet (or the CSV) as a header row plus data rows; refuses empty files, more than IMPORT_MAX_ROWS data
 * rows and values past IMPORT_MAX_COLUMNS while it reads. Runs in a worker thread (read-sheet.ts), since a small
 * file can still take a lot of memory or time.
 */
export async function parseSheet(fileName: string, data: Buffer): Promise<SheetTable> {
  const format = detectFormat(fileName, data);
  const sheet = new SheetCollector();
  if (format === 'xlsx') await parseXlsx(data, sheet);
  else parseCsv(data, sheet);
  return sheet.table(format);
}
