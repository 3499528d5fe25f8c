import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { capturedLogger, ERROR_LEVEL, type CapturedLog } from '@test/security/support/captured-logger';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { storedRecording, type StoredRecording } from '@test/security/support/stored-recording';

// Issue #21, finding 9: errors that libraries raise with a 4xx status (a bad percent-escape in the path, an
// unsatisfiable Range) were answered 500 INTERNAL and logged with a stack at error level.
describe('#21.9 client errors raised by libraries keep their 4xx, the error shape and a quiet log', () => {
  let t: SecurityApp;
  let storeDir: string;
  let rec: StoredRecording;
  let supervisor: SeededUser;
  let api: ApiClient;
  let lines: CapturedLog[];

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'zvonok-client-errors-'));
    const captured = capturedLogger();
    lines = captured.lines;
    t = await startSecurityApp({ recordingsStoreDir: storeDir }, { logger: captured.logger });
    rec = await storedRecording(t.dataSource, storeDir, 12_467);
    supervisor = await createUser(t.dataSource, suitePrefix('client-errors'), 'supervisor');
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

  const errorLines = () => lines.filter((l) => l.level >= ERROR_LEVEL);

  it('GET /api/contacts/%E0%A4%A (a broken percent-escape) → 400 MALFORMED_URL, nothing at error level', async () => {
    const res = await api.get('/api/contacts/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'MALFORMED_URL', message: expect.any(String) } });
    expect(errorLines()).toEqual([]);
    expect(lines.some((l) => l.code === 'MALFORMED_URL' && l.level < ERROR_LEVEL)).toBe(true);
  });

  it('Range: bytes=-60000 on a 12,467-byte recording → 416 RANGE_NOT_SATISFIABLE, nothing at error level', async () => {
    const res = await api.get(`/api/recordings/${rec.id}`, { headers: { range: 'bytes=-60000' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */12467');
    expect(res.body).toEqual({ error: { code: 'RANGE_NOT_SATISFIABLE', message: expect.any(String) } });
    expect(errorLines()).toEqual([]);
  });
});
