import { type DataSource } from 'typeorm';

import { waitFor } from '@test/support/services/ports';

/**
 * The stored row of a call that has ended, once the pipeline's batched write has stored the end: screens hear of
 * `call:ended` first, so a row read right after that event may still be the ringing or answered one.
 */
export async function endedCallRow(
  dataSource: DataSource,
  callId: string,
  columns: string,
): Promise<Record<string, unknown>> {
  let row: Record<string, unknown> | undefined;
  await waitFor(
    async () => {
      [row] = await dataSource.query(`SELECT ${columns} FROM calls WHERE id = $1 AND ended_at IS NOT NULL`, [callId]);
      return row !== undefined;
    },
    { what: `call ${callId} stored as ended`, timeoutMs: 10_000, intervalMs: 20 },
  );
  return row!;
}
