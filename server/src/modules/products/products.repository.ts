import { type DataSource, type EntityManager } from 'typeorm';

import { type PRODUCT_SORTS } from '@contracts/dto/product';
import { type SortDirection } from '@contracts/dto/common';
import { likeContains } from '@server/common/http/like';
import { type SortColumn } from '@server/common/search/list-sort';

/** Writes `products` (this module owns it); deals read products through ProductsService only. */
export interface ProductRow {
  id: string;
  name: string;
  sku: string;
  /** numeric(14,2) comes back from pg as a string; kept so no precision is lost. */
  price: string;
  currency: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type ProductFields = Pick<ProductRow, 'name' | 'sku' | 'price' | 'currency' | 'active'>;

const SORTS: Record<(typeof PRODUCT_SORTS)[number], SortColumn> = {
  name: { sql: 'lower(name)' },
  sku: { sql: 'lower(sku)' },
  price: { sql: 'price' },
  createdAt: { sql: 'created_at', dir: 'DESC' },
};

const COLUMNS = ['id', 'name', 'sku', 'price', 'currency', 'active', 'created_at', 'updated_at'];

export interface ProductSearch {
  q?: string;
  active?: boolean;
  sort: (typeof PRODUCT_SORTS)[number];
  dir?: SortDirection;
  limit: number;
  offset: number;
}

export class ProductsRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async search(s: ProductSearch): Promise<[ProductRow[], number]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (s.q) {
      params.push(likeContains(s.q));
      where.push(`(name ILIKE $${params.length} OR sku ILIKE $${params.length})`);
    }
    if (s.active !== undefined) {
      params.push(s.active);
      where.push(`active = $${params.length}`);
    }
    const sort = SORTS[s.sort];
    const dir = s.dir ? s.dir.toUpperCase() : (sort.dir ?? 'ASC');
    // count(*) OVER (): the page and the total in one round trip.
    const rows: (ProductRow & { total: string })[] = await this.db.query(
      `SELECT ${COLUMNS.join(', ')}, count(*) OVER () AS total FROM products
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${sort.sql} ${dir} NULLS LAST, id
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, s.limit, s.offset],
    );
    const total = rows[0] ? Number(rows[0].total) : s.offset > 0 ? await this.count(where, params) : 0;
    return [rows.map(({ total: _, ...r }) => trimmed(r)), total];
  }

  private async count(where: string[], params: unknown[]): Promise<number> {
    const [row]: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM products ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  async byIds(ids: readonly string[]): Promise<ProductRow[]> {
    if (ids.length === 0) return [];
    const rows: ProductRow[] = await this.db.query(
      `SELECT ${COLUMNS.join(', ')} FROM products WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(trimmed);
  }

  async bySkus(skus: readonly string[]): Promise<ProductRow[]> {
    if (skus.length === 0) return [];
    const rows: ProductRow[] = await this.db.query(
      `SELECT ${COLUMNS.join(', ')} FROM products WHERE lower(sku) = ANY($1::text[])`,
      [skus.map((s) => s.toLowerCase())],
    );
    return rows.map(trimmed);
  }

  async insert(p: ProductFields): Promise<ProductRow> {
    const [row]: ProductRow[] = await this.db.query(
      `INSERT INTO products (name, sku, price, currency, active) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS.join(', ')}`,
      [p.name, p.sku, p.price, p.currency, p.active],
    );
    return trimmed(row!);
  }

  async update(id: string, patch: Partial<ProductFields>): Promise<void> {
    const sets = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (sets.length === 0) return;
    // Keys come from ProductFields (the service's parsed request), never from the client's names.
    await this.db.query(
      `UPDATE products SET ${sets.map(([k], i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`,
      [id, ...sets.map(([, v]) => v)],
    );
  }

  async remove(id: string): Promise<void> {
    await this.db.query(`DELETE FROM products WHERE id = $1`, [id]);
  }
}

/** char(3) pads; the API speaks trimmed codes. */
const trimmed = (r: ProductRow): ProductRow => ({ ...r, currency: r.currency.trim() });
