import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { storedRecording, type StoredRecording } from '@test/security/support/stored-recording';

// Issue #14, defect 2: `Range: bytes=13467-` on a 12,467-byte recording answered 500 INTERNAL.
describe('#14.2 a Range past the end of a recording → 416 with Content-Range: bytes */<size>', () => {
  let t: SecurityApp;
  let storeDir: string;
  let rec: StoredRecording;
  let operator: SeededUser;
  let api: ApiClient;

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'zvonok-range-'));
    t = await startSecurityApp({ recordingsStoreDir: storeDir });
    rec = await storedRecording(t.dataSource, storeDir, 12_467);
    operator = await createUser(t.dataSource, suitePrefix('range'), 'manager');
    api = new ApiClient(t.baseUrl);
    await api.login(operator.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = $1`, [operator.id]);
    await rec?.remove();
    await deleteUsers(t.dataSource, [operator.id]);
    await t?.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it.each(['bytes=13467-', 'bytes=12467-', 'bytes=20000-20100'])(
    'Range: %s → 416, no listen audited',
    async (range) => {
      const res = await api.get(`/api/recordings/${rec.id}`, { headers: { range } });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe('bytes */12467');
      expect(res.body).toEqual({ error: { code: 'RANGE_NOT_SATISFIABLE', message: expect.any(String) } });
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'recording.listen' AND actor_id = $1`,
        [operator.id],
      );
      expect(n).toBe(0);
    },
  );

  it('the last byte is still served (12466-)', async () => {
    const res = await fetch(`${t.baseUrl}/api/recordings/${rec.id}`, {
      headers: { cookie: api.cookie!, range: 'bytes=12466-' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 12466-12466/12467');
    expect(Buffer.from(await res.arrayBuffer()).equals(rec.bytes.subarray(12466))).toBe(true);
  });
});
