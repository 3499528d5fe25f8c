import { type DataSource } from 'typeorm';

export interface RecordingAccessRow {
  id: string;
  callId: string;
  storageKey: string;
  mime: string;
  /** True when the viewer answered the call or received it by transfer. */
  onCall: boolean;
}

/**
 * SQL predicate "user `idParam` handled call `alias`": its current operator, or anyone who answered it or received it
 * by transfer. `call_handlers` is filled from the event log by a trigger (analytics migration) with the user who had
 * the extension at that moment, so reassigning an extension later does not hand the old calls to its new owner.
 */
export const handledBySql = (alias: string, idParam: string) =>
  `(${alias}.operator_id = ${idParam} OR EXISTS (SELECT 1 FROM call_handlers hh ` +
  `WHERE hh.call_id = ${alias}.id AND hh.user_id = ${idParam}))`;

export class RecordingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findForViewer(id: string, viewerId: string): Promise<RecordingAccessRow | null> {
    const rows: RecordingAccessRow[] = await this.dataSource.query(
      `SELECT r.id, r.call_id AS "callId", r.storage_key AS "storageKey", r.mime,
              ${handledBySql('c', '$2')} AS "onCall"
       FROM recordings r JOIN calls c ON c.id = r.call_id WHERE r.id = $1`,
      [id, viewerId],
    );
    return rows[0] ?? null;
  }

  /** Recordings created before `cutoff`, oldest first, a batch at a time. */
  async olderThan(cutoff: Date, limit: number): Promise<{ id: string; storageKey: string }[]> {
    return this.dataSource.query(
      `SELECT id, storage_key AS "storageKey" FROM recordings WHERE created_at < $1 ORDER BY created_at LIMIT $2`,
      [cutoff, limit],
    );
  }

  async delete(ids: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM recordings WHERE id = ANY($1)', [ids]);
  }
}
