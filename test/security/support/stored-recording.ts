import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { seedCall } from '@test/support/call-events';
import { randomRuMobile } from '@test/security/support/call-events';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';

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

export interface RecordingApp {
  t: SecurityApp;
  rec: StoredRecording;
  /** May listen to any recording (supervisor or manager), signed in as `api`. */
  listener: SeededUser;
  api: ApiClient;
  /** The listener's `recording.listen` rows for `rec`. */
  listens(): Promise<{ details: Record<string, unknown> }[]>;
  close(): Promise<void>;
}

/** The real app with a recordings store holding one `size`-byte recording, and a signed-in user who may play it. */
export async function startRecordingApp(
  name: string,
  options: { size?: number; logger?: Logger } = {},
): Promise<RecordingApp> {
  const storeDir = mkdtempSync(join(tmpdir(), `zvonok-${name}-`));
  const t = await startSecurityApp({ recordingsStoreDir: storeDir }, { logger: options.logger });
  const rec = await storedRecording(t.dataSource, storeDir, options.size);
  const listener = await createUser(t.dataSource, suitePrefix(name), 'supervisor');
  const api = new ApiClient(t.baseUrl);
  await api.login(listener.login, TEST_PASSWORD);
  return {
    t,
    rec,
    listener,
    api,
    listens: () =>
      t.dataSource.query(
        `SELECT details FROM audit_log WHERE action = 'recording.listen' AND actor_id = $1 AND entity_id = $2`,
        [listener.id, rec.id],
      ),
    close: async () => {
      await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = $1`, [listener.id]);
      await rec.remove();
      await deleteUsers(t.dataSource, [listener.id]);
      await t.close();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
