import { loadExcelJs } from '@server/common/export/exceljs';

import { type UserDto } from '@contracts/dto/user';

/** The languages exported tables are written in (a user's profile language). */
export type ExportLocale = UserDto['locale'];

/** One column of an exported table: the header text and how to read the cell from a row. */
export interface ExportColumn<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null;
}

export interface ExportTable<Row> {
  /** Sheet name and file-name stem. */
  name: string;
  columns: ExportColumn<Row>[];
  rows: readonly Row[];
}

// A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection); a quote makes it text.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (with its CRLF), cells guarded against formula injection; for exports written row by row. */
export const csvLine = (cells: readonly (string | number | boolean | null)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;

/** Excel reads a CSV as UTF-8 (Cyrillic names) only when it starts with this BOM. */
export const CSV_BOM = '\uFEFF';

/** RFC 4180 CSV with CRLF and a UTF-8 BOM, so Excel opens Cyrillic names correctly. */
export function toCsv<Row>(table: ExportTable<Row>): string {
  const lines = [
    table.columns.map((c) => csvCell(c.header)).join(','),
    ...table.rows.map((r) => table.columns.map((c) => csvCell(c.value(r))).join(',')),
  ];
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/** One-sheet workbook with typed cells (numbers stay numbers) and a frozen header row. */
export async function toXlsx<Row>(table: ExportTable<Row>): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Zvonok';
  const sheet = workbook.addWorksheet(table.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({ header: c.header, width: Math.max(10, c.header.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) {
    // exceljs writes strings as shared strings, never as formulas, so no injection guard is needed here.
    sheet.addRow(table.columns.map((c) => c.value(row)));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
