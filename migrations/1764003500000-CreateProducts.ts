import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The product catalogue (owned by products) and deals' line items (owned by deals: an item is part of the deal and
 * changes its amount in the same transaction). An item keeps the unit price it was added at, so a later price
 * change does not rewrite closed deals; a product on a deal cannot be deleted (deactivate it instead).
 */
export class CreateProducts1764003500000 implements MigrationInterface {
  name = 'CreateProducts1764003500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        sku text NOT NULL,
        price numeric(14, 2) NOT NULL CHECK (price >= 0),
        currency char(3) NOT NULL DEFAULT 'RUB',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_products_sku ON products (lower(sku))`);
    await q.query(`
      CREATE TABLE deal_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deal_id uuid NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        product_id uuid NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price numeric(14, 2) NOT NULL CHECK (unit_price >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_deal_items_deal ON deal_items (deal_id)`);
    await q.query(`CREATE INDEX ix_deal_items_product ON deal_items (product_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deal_items`);
    await q.query(`DROP TABLE products`);
  }
}
