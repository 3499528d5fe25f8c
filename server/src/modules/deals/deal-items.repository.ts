import { type DataSource, type EntityManager } from 'typeorm';

/** One row of `deal_items` (owned by deals), with its line total computed by PostgreSQL. */
export interface DealItemRow {
  id: string;
  product_id: string;
  quantity: number;
  unit_price: string;
  total: string;
}

export interface DealAmount {
  amount: string;
  currency: string;
}

/**
 * Writes `deal_items` and the deal's `amount` together. Every change locks the deal's row first, so two people adding
 * items at once each sum the other's committed item (READ COMMITTED takes a fresh snapshot per statement).
 */
export class DealItemsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(dealId: string, db: DataSource | EntityManager = this.dataSource): Promise<DealItemRow[]> {
    return db.query(
      `SELECT id, product_id, quantity, unit_price, (quantity * unit_price)::numeric(14, 2)::text AS total
       FROM deal_items WHERE deal_id = $1 ORDER BY created_at, id`,
      [dealId],
    );
  }

  async count(dealId: string): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM deal_items WHERE deal_id = $1`,
      [dealId],
    );
    return row?.n ?? 0;
  }

  /**
   * Runs `change` with the deal's row locked and then sets its amount to the items' sum (a deal left without items
   * keeps the last sum, editable by hand again). `change` sees the deal's currency and item count before it.
   */
  changeItems(
    dealId: string,
    change: (m: EntityManager, deal: { currency: string; items: number }) => Promise<void>,
  ): Promise<DealAmount> {
    return this.dataSource.transaction(async (m) => {
      const [deal]: { currency: string; items: number }[] = await m.query(
        `SELECT d.currency, (SELECT count(*)::int FROM deal_items i WHERE i.deal_id = d.id) AS items
         FROM deals d WHERE d.id = $1 FOR UPDATE`,
        [dealId],
      );
      await change(m, { currency: deal!.currency.trim(), items: deal!.items });
      const [[sum]]: [DealAmount[], number] = await m.query(
        `UPDATE deals SET
           amount = coalesce((SELECT sum(quantity * unit_price) FROM deal_items WHERE deal_id = $1), amount),
           updated_at = now()
         WHERE id = $1 RETURNING amount::text AS amount, currency`,
        [dealId],
      );
      return { amount: sum!.amount, currency: sum!.currency.trim() };
    });
  }

  async insert(m: EntityManager, dealId: string, item: { productId: string; quantity: number; unitPrice: string }) {
    await m.query(`INSERT INTO deal_items (deal_id, product_id, quantity, unit_price) VALUES ($1, $2, $3, $4)`, [
      dealId,
      item.productId,
      item.quantity,
      item.unitPrice,
    ]);
  }

  /** A deal without items takes the first item's currency (its hand-typed amount had no items to agree with). */
  async setCurrency(m: EntityManager, dealId: string, currency: string): Promise<void> {
    await m.query(`UPDATE deals SET currency = $2 WHERE id = $1`, [dealId, currency]);
  }

  /** Answers whether the item was the deal's. */
  async setQuantity(m: EntityManager, dealId: string, itemId: string, quantity: number): Promise<boolean> {
    const [, affected]: [unknown, number] = await m.query(
      `UPDATE deal_items SET quantity = $3 WHERE id = $2 AND deal_id = $1`,
      [dealId, itemId, quantity],
    );
    return affected > 0;
  }

  async remove(m: EntityManager, dealId: string, itemId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await m.query(`DELETE FROM deal_items WHERE id = $2 AND deal_id = $1`, [
      dealId,
      itemId,
    ]);
    return affected > 0;
  }
}
