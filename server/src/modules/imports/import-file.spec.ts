import { describe, expect, it } from 'vitest';

import { IMPORT_MAX_COLUMNS, IMPORT_MAX_ROWS } from '@contracts/dto/import';
import { parseSheet } from '@server/modules/imports/import-file';

const csv = (text: string) => parseSheet('f.csv', Buffer.from(text));
const details = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: { details?: unknown }) => err.details,
  );

describe('CSV parsing with caps applied while reading', () => {
  it('drops trailing empty cells and empty rows, so a million commas is no column at all', async () => {
    // Over a megabyte before the first line break, which papaparse would not look past for the line ending.
    const table = await csv(`name,phone${','.repeat(1_100_000)}\r\n\r\n,,,\r\nИван,+79160000000,,\r\n`);
    expect(table.columns).toEqual(['name', 'phone']);
    expect(table.rows).toEqual([['Иван', '+79160000000']]);
  });

  it('names untitled columns by position, up to the widest row', async () => {
    const table = await csv('name;phone\nИван;+79160000000;vip\n');
    expect(table.columns).toEqual(['name', 'phone', '#3']);
  });

  it(`refuses a value in column ${IMPORT_MAX_COLUMNS + 1}, naming the cap and the line`, async () => {
    const row = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    expect((await csv(`${row(IMPORT_MAX_COLUMNS)}\nИван,1\n`)).columns).toHaveLength(IMPORT_MAX_COLUMNS);
    expect(await details(csv(`name,phone\nИван,1\n${row(IMPORT_MAX_COLUMNS + 1)}\nПётр,2\n`))).toEqual({
      reason: 'IMPORT_TOO_MANY_COLUMNS',
      maxColumns: IMPORT_MAX_COLUMNS,
      line: 3,
    });
  });

  it('refuses the row after the cap (counting data rows, not the header or empty lines)', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `N${i},${i}`).join('\n');
    expect((await csv(`name,phone\n\n${rows(IMPORT_MAX_ROWS)}\n`)).rows).toHaveLength(IMPORT_MAX_ROWS);
    expect(await details(csv(`name,phone\n${rows(IMPORT_MAX_ROWS + 1)}\n`))).toEqual({
      reason: 'IMPORT_TOO_MANY_ROWS',
      maxRows: IMPORT_MAX_ROWS,
    });
  });

  it('a header without data rows is empty', async () => {
    expect(await details(csv('name;phone\r\n'))).toEqual({ reason: 'IMPORT_EMPTY' });
    expect(await details(csv(''))).toEqual({ reason: 'IMPORT_EMPTY' });
  });
});
