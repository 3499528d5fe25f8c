import { type EntityManager } from 'typeorm';

/**
 * A module whose table points at contacts, as a contact merge sees it: it moves its own rows from one contact to
 * another inside the merge's transaction (the EntityManager), and moves exactly those rows back on undo. The merge
 * never writes another module's table itself.
 */
export interface ContactRefsOwner {
  /** Re-points every row of `fromId` to `toId`; returns their ids (kept in the audit record for undo). */
  moveContactRefs(m: EntityManager, fromId: string, toId: string): Promise<string[]>;
  /** Moves `ids` back from `fromId` to `toId` (only those still on `fromId`: later changes stay). */
  restoreContactRefs(m: EntityManager, ids: string[], fromId: string, toId: string): Promise<void>;
}

/** A table's contact column, with the condition that picks contact links in a polymorphic one (tasks, notes). */
export interface ContactColumn {
  table: string;
  column: string;
  where?: string;
}

/** The owners' shared SQL for one contact column: they call it for their own tables only. */
export const contactColumnRefs = ({ table, column, where }: ContactColumn): ContactRefsOwner => {
  const and = where ? `AND ${where}` : '';
  return {
    async moveContactRefs(m, fromId, toId) {
      const rows: { id: string }[] = await m.query(
        `WITH moved AS (UPDATE ${table} SET ${column} = $2 WHERE ${column} = $1 ${and} RETURNING id)
         SELECT id::text FROM moved`,
        [fromId, toId],
      );
      return rows.map((r) => r.id);
    },
    async restoreContactRefs(m, ids, fromId, toId) {
      if (ids.length === 0) return;
      await m.query(`UPDATE ${table} SET ${column} = $3 WHERE id::text = ANY($1) AND ${column} = $2 ${and}`, [
        ids,
        fromId,
        toId,
      ]);
    },
  };
};
