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
 * SQL predicate "the viewer handled call `alias`": the call's current operator, or an extension that answered it or
 * received it by transfer (from the stored events, since `operator_id` only keeps the last one). Parameters: the
 * viewer's id and extension at the given positions.
 */
export const handledBySql = (alias: string, idParam: string, extParam: string) =>
  `(${alias}.operator_id = ${idParam} OR (${extParam}::text IS NOT NULL AND EXISTS (SELECT 1 FROM call_events he ` +
  `WHERE he.call_id = ${alias}.id AND he.type IN ('call.answered', 'call.transferred') ` +
  `AND he.payload->>'agentId' = ${extParam})))`;

export class RecordingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findForViewer(id: string, viewerId: string, extension: string | null): Promise<RecordingAccessRow | null> {
    const rows: RecordingAccessRow[] = await this.dataSource.query(
      `SELECT r.id, r.call_id AS "callId", r.storage_key AS "storageKey", r.mime,
              ${handledBySql('c', '$2', '$3')} AS "onCall"
       FROM recordings r JOIN calls c ON c.id = r.call_id WHERE r.id = $1`,
      [id, viewerId, extension],
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
