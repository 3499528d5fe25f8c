import { createProductRequestSchema, PRODUCT_COLUMNS } from '@contracts/dto/product';
import { type ProductFields } from '@server/modules/products/products.repository';

type Column = (typeof PRODUCT_COLUMNS)[number];

/** Header names the import recognises: the export's own, and the Russian ones a price list usually has. */
const HEADERS: Record<Column, readonly string[]> = {
  name: ['name', 'название', 'наименование', 'товар'],
  sku: ['sku', 'артикул', 'код'],
  price: ['price', 'цена', 'стоимость'],
  currency: ['currency', 'валюта'],
  active: ['active', 'активен', 'активный', 'в продаже'],
};

const YES = new Set(['', 'yes', 'true', '1', 'да', 'y', '+']);
const NO = new Set(['no', 'false', '0', 'нет', 'n', '-']);

export interface ProductSheet {
  rows: { line: number; product: ProductFields }[];
  problems: { line: number; fields: string[] }[];
}

/** Which column holds each field, by header (any case); name, sku and price must be there. */
export function productColumns(header: readonly string[]): Partial<Record<Column, number>> {
  const at: Partial<Record<Column, number>> = {};
  header.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    for (const column of PRODUCT_COLUMNS) if (at[column] === undefined && HEADERS[column].includes(key)) at[column] = i;
  });
  return at;
}

/** "1 500,50" and "1500.5" are both 1500.50: spreadsheets in Russian write a decimal comma and group digits. */
const price = (cell: string) => cell.replace(/[\s\u00a0]/g, '').replace(',', '.');

/**
 * Reads the data rows (line 2 on) into products, each checked by the API's own create schema; a row that fails, or
 * repeats an SKU of an earlier row, is a problem naming its fields, and the rest still import.
 */
export function readProductRows(columns: Partial<Record<Column, number>>, rows: readonly string[][]): ProductSheet {
  const out: ProductSheet = { rows: [], problems: [] };
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const line = i + 2;
    const cell = (c: Column) => (columns[c] === undefined ? '' : (row[columns[c]] ?? '').trim());
    const active = cell('active').toLowerCase();
    const parsed = createProductRequestSchema.safeParse({
      name: cell('name'),
      sku: cell('sku'),
      price: price(cell('price')),
      currency: cell('currency').toUpperCase() || undefined,
      active: YES.has(active) ? true : NO.has(active) ? false : active,
    });
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
      out.problems.push({ line, fields });
      return;
    }
    const sku = parsed.data.sku.toLowerCase();
    if (seen.has(sku)) {
      out.problems.push({ line, fields: ['sku'] });
      return;
    }
    seen.add(sku);
    out.rows.push({ line, product: parsed.data });
  });
  return out;
}
