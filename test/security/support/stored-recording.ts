import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { type DataSource } from 'typeorm';

import { seedCall } from '@test/support/call-events';
import { randomRuMobile } from '@test/security/support/call-events';

export interface StoredRecording {
  id: string;
  callId: string;
  bytes: Buffer;
  remove(): Promise<void>;
}

/**
 * A recorded call as the ingest leaves it: the call's events through the real recorder, a file under the store and
 * its `recordings` row. The bytes are random (serving never looks inside the file), `size` of them.
 */
export async function storedRecording(
  dataSource: DataSource,
  storeDir: string,
  size = 12_467,
): Promise<StoredRecording> {
  const from = randomRuMobile();
  const callId = await seedCall(dataSource, { fromRaw: from, fromE164: from, startedAt: new Date().toISOString() });
  const bytes = randomBytes(size);
  const key = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/${callId}-${randomBytes(4).toString('hex')}.ogg`;
  mkdirSync(dirname(join(storeDir, key)), { recursive: true });
  writeFileSync(join(storeDir, key), bytes);
  const [{ id }] = await dataSource.query(
    `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime) VALUES ($1, $2, $3, $4, 'audio/ogg')
     RETURNING id`,
    [callId, key, size, createHash('sha256').update(bytes).digest('hex')],
  );
  return {
    id,
    callId,
    bytes,
    remove: async () => {
      await dataSource.query('DELETE FROM call_events WHERE call_id = $1', [callId]);
      await dataSource.query('DELETE FROM calls WHERE id = $1', [callId]);
    },
  };
}
