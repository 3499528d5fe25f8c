import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { storedRecording, type StoredRecording } from '@test/security/support/stored-recording';

// Issue #21, finding 8: the `recording.listen` audit row was decided from the Range header before serving, so
// `bytes=1-`, multi-ranges, malformed ranges and a stale If-Range downloaded (almost) the whole file unaudited.
describe('#21.8 every download of a recording is audited from what was served', () => {
  let t: SecurityApp;
  let storeDir: string;
  let rec: StoredRecording;
  let supervisor: SeededUser;
  const client = () => api;
  let api: ApiClient;

  const listens = async () =>
    (await t.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'recording.listen' AND actor_id = $1 AND entity_id = $2`,
      [supervisor.id, rec.id],
    )) as { details: Record<string, unknown> }[];
  const get = (headers: Record<string, string>, method = 'GET') =>
    fetch(`${t.baseUrl}/api/recordings/${rec.id}`, { method, headers: { cookie: client().cookie!, ...headers } });

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'zvonok-rec-audit-'));
    t = await startSecurityApp({ recordingsStoreDir: storeDir });
    rec = await storedRecording(t.dataSource, storeDir);
    supervisor = await createUser(t.dataSource, suitePrefix('rec-audit'), 'supervisor');
    api = new ApiClient(t.baseUrl);
    await api.login(supervisor.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = $1`, [supervisor.id]);
    await rec?.remove();
    await deleteUsers(t.dataSource, [supervisor.id]);
    await t?.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  // Each download is a fresh listener's first: no earlier listen of theirs makes it a continuation.
  const fresh = () => t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = $1`, [supervisor.id]);

  const size = () => rec.bytes.length;
  it.each([
    ['bytes=1-', 206, () => rec.bytes.subarray(1)],
    ['bytes=1-10, 20-', 200, () => rec.bytes],
    ['bytes=1-10,5-', 206, () => rec.bytes.subarray(1)],
    ['bytes=abc', 200, () => rec.bytes],
    ['bytes=-100', 206, () => rec.bytes.subarray(size() - 100)],
  ])('Range: %s → %i, audited once', async (range, status, expected) => {
    await fresh();
    const res = await get({ range });
    expect(res.status).toBe(status);
    expect(Buffer.from(await res.arrayBuffer()).equals(expected())).toBe(true);
    const rows = await listens();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details.served).toBe(
      status === 200 ? `bytes 0-${size() - 1}/${size()}` : res.headers.get('content-range'),
    );
  });

  it('a stale If-Range gets the whole file, audited', async () => {
    for (const ifRange of ['"an-old-etag"', new Date(Date.now() - 86_400_000).toUTCString()]) {
      await fresh();
      const res = await get({ range: 'bytes=100-', 'if-range': ifRange });
      expect(res.status, ifRange).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(rec.bytes)).toBe(true);
      expect(await listens(), ifRange).toHaveLength(1);
    }
  });

  it('one playback is one row: the chunks after a listen that served byte 0 are not new listens', async () => {
    await fresh();
    expect((await get({ range: 'bytes=0-99' })).status).toBe(206);
    expect((await get({ range: 'bytes=100-' })).status).toBe(206);
    expect((await get({ range: 'bytes=5000-6000' })).status).toBe(206);
    expect(await listens()).toHaveLength(1);
  });

  it('HEAD serves no audio and is not a listen', async () => {
    await fresh();
    const res = await get({}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size()));
    expect(await listens()).toHaveLength(0);
  });
});
