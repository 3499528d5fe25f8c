import { type DataSource } from 'typeorm';

import { handledByAnySql } from '@server/modules/calls/call-access.read-model';

export interface RecordingAccessRow {
  id: string;
  callId: string;
  storageKey: string;
  mime: string;
  /** True when someone in the viewer's scope answered the call or received it by transfer. */
  onCall: boolean;
}

/** Calls whose recordings go: a range of ids (a month's partition) or a list. */
export type RecordingCalls = { fromId: string; toId: string } | { ids: string[] };

export class RecordingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findForViewer(id: string, scope: string[]): Promise<RecordingAccessRow | null> {
    const rows: RecordingAccessRow[] = await this.dataSource.query(
      `SELECT r.id, r.call_id AS "callId", r.storage_key AS "storageKey", r.mime,
              ${handledByAnySql('c', '$2::uuid[]')} AS "onCall"
       FROM recordings r JOIN calls c ON c.id = r.call_id WHERE r.id = $1`,
      [id, scope],
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

  /** Recordings of the calls whose id is in [fromId, toId) or listed in `ids` (call data retention). */
  async ofCalls(calls: RecordingCalls, limit: number): Promise<{ id: string; storageKey: string }[]> {
    return 'ids' in calls
      ? this.dataSource.query(
          `SELECT id, storage_key AS "storageKey" FROM recordings WHERE call_id = ANY($1) LIMIT $2`,
          [calls.ids, limit],
        )
      : this.dataSource.query(
          `SELECT id, storage_key AS "storageKey" FROM recordings WHERE call_id >= $1 AND call_id < $2 LIMIT $3`,
          [calls.fromId, calls.toId, limit],
        );
  }

  async delete(ids: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM recordings WHERE id = ANY($1)', [ids]);
  }
}
