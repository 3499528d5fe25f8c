import type ExcelJS from 'exceljs';

/**
 * exceljs on first use. Loading it takes about 0.4 s, which every server start (and every test file that builds a
 * node) paid up front for spreadsheet imports and exports that few requests ask for.
 */
export async function loadExcelJs(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
