import { type EntityManager } from 'typeorm';

/** A row as Postgres renders it (`to_jsonb`), kept in the audit record so an undo can put it back as it was. */
export type RowSnapshot = Record<string, unknown>;

/** The fields of the kept contact a merge may fill in or widen; their values before go into the audit record. */
export interface MergedFields {
  email: string | null;
  company_id: string | null;
  do_not_call: boolean;
  tags: string[];
  custom: Record<string, unknown>;
}

/**
 * The contacts module's writes for a merge (`contacts`, `contact_phones`), always inside the merge's transaction.
 * Rows are restored from snapshots through `jsonb_populate_record` with the table's own columns, minus the generated
 * ones (search keys), which Postgres recomputes.
 */
export class ContactMergeRepository {
  /** Both rows, locked for the transaction (in id order, so two merges of the same pair cannot deadlock). */
  async lockPair(m: EntityManager, a: string, b: string): Promise<Map<string, RowSnapshot>> {
    const rows: { id: string; row: RowSnapshot }[] = await m.query(
      `SELECT id, to_jsonb(c) AS row FROM contacts c WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[a, b]],
    );
    return new Map(rows.map((r) => [r.id, r.row]));
  }

  /**
   * The source's numbers become the target's. A number the target has already (same raw text) is dropped instead;
   * both lists go into the audit record.
   */
  async movePhones(
    m: EntityManager,
    fromId: string,
    toId: string,
  ): Promise<{ moved: string[]; dropped: RowSnapshot[] }> {
    const dropped: { row: RowSnapshot }[] = await m.query(
      `WITH gone AS (
         DELETE FROM contact_phones p WHERE p.contact_id = $1
           AND EXISTS (SELECT 1 FROM contact_phones t WHERE t.contact_id = $2 AND t.raw = p.raw)
         RETURNING p.*)
       SELECT to_jsonb(gone) AS row FROM gone`,
      [fromId, toId],
    );
    const moved: { id: string }[] = await m.query(
      `WITH moved AS (
         UPDATE contact_phones SET contact_id = $2,
           position = position + (SELECT count(*) FROM contact_phones WHERE contact_id = $2)
         WHERE contact_id = $1 RETURNING id)
       SELECT id::text FROM moved`,
      [fromId, toId],
    );
    return { moved: moved.map((r) => r.id), dropped: dropped.map((r) => r.row) };
  }

  async restorePhones(m: EntityManager, moved: string[], dropped: RowSnapshot[], fromId: string, toId: string) {
    if (moved.length) {
      await m.query(`UPDATE contact_phones SET contact_id = $3 WHERE id::text = ANY($1) AND contact_id = $2`, [
        moved,
        fromId,
        toId,
      ]);
    }
    for (const row of dropped) await this.insertSnapshot(m, 'contact_phones', row);
  }

  async setFields(m: EntityManager, id: string, f: MergedFields): Promise<void> {
    await m.query(
      `UPDATE contacts SET email = $2, company_id = $3, do_not_call = $4, tags = $5, custom = $6, updated_at = now()
       WHERE id = $1`,
      [id, f.email, f.company_id, f.do_not_call, f.tags, JSON.stringify(f.custom)],
    );
  }

  async remove(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM contacts WHERE id = $1`, [id]);
  }

  async exists(m: EntityManager, id: string): Promise<boolean> {
    return (await m.query(`SELECT 1 FROM contacts WHERE id = $1`, [id])).length > 0;
  }

  async insertSnapshot(m: EntityManager, table: 'contacts' | 'contact_phones', row: RowSnapshot): Promise<void> {
    const columns: { name: string }[] = await m.query(
      `SELECT quote_ident(column_name) AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
       ORDER BY ordinal_position`,
      [table],
    );
    const list = columns.map((c) => c.name).join(', ');
    await m.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM jsonb_populate_record(NULL::${table}, $1)`, [
      JSON.stringify(row),
    ]);
  }
}
