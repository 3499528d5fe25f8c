import { describe, expect, it } from 'vitest';

import { productColumns, readProductRows } from '@server/modules/products/product-rows';

describe('product import rows', () => {
  it('finds the columns by the export’s names or Russian ones, in any case and order', () => {
    expect(productColumns(['Цена', 'SKU', 'Наименование', 'x', 'Валюта'])).toEqual({
      price: 0,
      sku: 1,
      name: 2,
      currency: 4,
    });
    expect(productColumns(['name', 'sku', 'price', 'currency', 'active'])).toEqual({
      name: 0,
      sku: 1,
      price: 2,
      currency: 3,
      active: 4,
    });
  });

  it('reads a decimal comma and grouped digits, defaults RUB and active, and understands да/нет', () => {
    const columns = productColumns(['name', 'sku', 'price', 'currency', 'active']);
    const sheet = readProductRows(columns, [
      ['Стол', 'T-1', '1 200,50', '', ''],
      ['Стул', 'c-2', '300', 'usd', 'нет'],
    ]);
    expect(sheet.problems).toEqual([]);
    expect(sheet.rows).toEqual([
      { line: 2, product: { name: 'Стол', sku: 'T-1', price: '1200.50', currency: 'RUB', active: true } },
      { line: 3, product: { name: 'Стул', sku: 'c-2', price: '300', currency: 'USD', active: false } },
    ]);
  });

  it('reports bad rows by spreadsheet line with their fields, and a repeated SKU (any case) after its first row', () => {
    const columns = productColumns(['name', 'sku', 'price', 'active']);
    const sheet = readProductRows(columns, [
      ['Ок', 'A-1', '1', ''],
      ['', 'A 2', '-1', 'может быть'],
      ['Повтор', 'a-1', '2', ''],
    ]);
    expect(sheet.rows.map((r) => r.line)).toEqual([2]);
    expect(sheet.problems).toEqual([
      { line: 3, fields: ['name', 'sku', 'price', 'active'] },
      { line: 4, fields: ['sku'] },
    ]);
  });
});
