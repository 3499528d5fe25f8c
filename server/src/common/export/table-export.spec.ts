import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { type ExportTable, toCsv, toXlsx } from '@server/common/export/table-export';

interface Row {
  name: string;
  n: number | null;
  ok: boolean;
}

const table = (rows: Row[]): ExportTable<Row> => ({
  name: 'operators',
  rows,
  columns: [
    { header: 'name', value: (r) => r.name },
    { header: 'n', value: (r) => r.n },
    { header: 'ok', value: (r) => r.ok },
  ],
});

describe('analytics export', () => {
  it('CSV: BOM, CRLF, quoting of commas, quotes and newlines, empty cell for null', () => {
    const csv = toCsv(table([{ name: 'Иванов, "Ваня"\nстарший', n: null, ok: true }]));
    expect(csv).toBe('\uFEFFname,n,ok\r\n"Иванов, ""Ваня""\nстарший",,true\r\n');
  });

  it('CSV: a text cell that a spreadsheet would run as a formula is made text', () => {
    const csv = toCsv(
      table([
        { name: '=HYPERLINK("http://x")', n: -5, ok: false },
        { name: '+1', n: 0, ok: false },
        { name: '@SUM(A1)', n: 1.5, ok: false },
      ]),
    );
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"")",-5,false`); // numbers stay numbers, even negative ones
    expect(lines[2]).toBe("'+1,0,false");
    expect(lines[3]).toBe("'@SUM(A1),1.5,false");
  });

  it('XLSX: one sheet named after the table, header row, typed cells', async () => {
    const buffer = await toXlsx(table([{ name: '=1+1', n: 42, ok: true }]));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Uint8Array.from(buffer).buffer);
    const sheet = wb.getWorksheet('operators')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'name', 'n', 'ok']);
    expect(sheet.getRow(2).getCell(1).value).toBe('=1+1'); // a string cell, not a formula
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(2).getCell(2).value).toBe(42);
    expect(sheet.getRow(2).getCell(3).value).toBe(true);
  });
});
