import { describe, expect, it } from 'vitest';

import { type ImportMapping } from '@contracts/dto/import';
import { checkRow, lookupKeys, markDuplicates, suggestMapping } from '@server/modules/imports/import-rows';

const mapping: ImportMapping = { name: 0, phone: 1, email: 2, tags: 3, custom: {} };
const check = (row: string[], line = 2) => checkRow(row, line, mapping, 'RU');
const none = { e164: new Map<string, boolean>(), last10: new Map<string, boolean>() };

describe('import row validation', () => {
  it('accepts a good row and normalizes every number in the cell', () => {
    const row = check(['Иван Петров', '8 (916) 123-45-67; +7 495 700 00 01', 'ivan@example.ru', 'vip, опт, vip']);
    expect(row.issues).toEqual([]);
    expect(row.phones.map((p) => p.e164)).toEqual(['+79161234567', '+74957000001']);
    expect(row.phones[0]!.last10).toBe('9161234567');
    expect(row.tags).toEqual(['vip', 'опт']);
    expect(row.email).toBe('ivan@example.ru');
  });

  it('reports a missing name, a missing phone and a bad phone', () => {
    expect(check(['', '89161234567', '', '']).issues).toEqual(['missing-name']);
    expect(check(['  ', '  ', '', '']).issues).toEqual(['missing-name', 'missing-phone']);
    expect(check(['Ivan', '12', '', '']).issues).toEqual(['bad-phone']);
    expect(check(['Ivan', 'call me', '', '']).issues).toEqual(['bad-phone']);
    expect(check(['Ivan', '+7 916 123-45-67; abc', '', '']).issues).toEqual(['bad-phone']);
  });

  it('reports a bad email and too long names, and tolerates a leading apostrophe', () => {
    expect(check(['Ivan', '89161234567', 'not-an-email', '']).issues).toEqual(['bad-email']);
    expect(check(['x'.repeat(201), '89161234567', '', '']).issues).toEqual(['name-too-long']);
    expect(check(['Ivan', "'+79161234567", '', '']).phones.map((p) => p.e164)).toEqual(['+79161234567']);
  });

  it('treats missing cells (short rows) as empty', () => {
    expect(check(['Only name']).issues).toEqual(['missing-phone']);
  });

  it('guesses the mapping from Russian and English headers', () => {
    expect(suggestMapping(['ФИО', 'Телефон', 'Эл. почта', 'Теги'])).toEqual({ name: 0, phone: 1, email: 2, tags: 3 });
    expect(suggestMapping(['Phone', 'Name', 'Comment'])).toEqual({ phone: 0, name: 1 });
  });
});

describe('duplicate detection by phone', () => {
  it('finds duplicates within the file in any number format; the first row wins', () => {
    const rows = [
      check(['A', '+7 916 123-45-67'], 2),
      check(['B', '8 (916) 1234567'], 3),
      check(['C', '9161234567'], 4),
      check(['D', '8 495 700-00-01'], 5),
    ];
    const marked = markDuplicates(rows, none);
    expect(marked.map((r) => [r.line, r.issues, r.duplicateOfLine])).toEqual([
      [2, [], undefined],
      [3, ['duplicate-in-file'], 2],
      [4, ['duplicate-in-file'], 2],
      [5, [], undefined],
    ]);
  });

  it('finds duplicates of existing contacts by E.164 or by the last ten digits', () => {
    const rows = [
      check(['A', '89161234567'], 2),
      check(['B', '+7 495 700 00 01'], 3),
      check(['C', '+44 20 7946 0958'], 4),
    ];
    const existing = { e164: new Map([['+79161234567', true]]), last10: new Map([['4957000001', true]]) };
    expect(markDuplicates(rows, existing).map((r) => r.issues)).toEqual([
      ['duplicate-existing'],
      ['duplicate-existing'],
      [],
    ]);
  });

  it('says "not visible" when only contacts the importer may not see hold the number', () => {
    const rows = [check(['A', '89161234567'], 2), check(['B', '+7 495 700 00 01; 8 916 000-00-00'], 3)];
    const existing = {
      e164: new Map([
        ['+79161234567', false],
        ['+74957000001', false],
      ]),
      last10: new Map([['9160000000', true]]),
    };
    expect(markDuplicates(rows, existing).map((r) => r.issues)).toEqual([
      ['duplicate-not-visible'],
      ['duplicate-existing'],
    ]);
  });

  it('lets an invalid row not claim its number, so a later valid row with it is imported', () => {
    const rows = [check(['', '89161234567'], 2), check(['Valid', '+79161234567'], 3)];
    expect(markDuplicates(rows, none).map((r) => r.issues)).toEqual([['missing-name'], []]);
  });

  it('collects the keys for one database look-up', () => {
    const rows = [check(['A', '89161234567; +44 20 7946 0958'], 2), check(['B', '89161234567'], 3)];
    expect(lookupKeys(rows)).toEqual({ e164: ['+79161234567', '+442079460958'], last10: ['9161234567'] });
  });
});
