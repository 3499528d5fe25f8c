import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { capturedLogger, ERROR_LEVEL, type CapturedLog } from '@test/security/support/captured-logger';
import { startRecordingApp, type RecordingApp } from '@test/security/support/stored-recording';

// Issue #21, finding 9: errors that libraries raise with a 4xx status (a bad percent-escape in the path, an
// unsatisfiable Range) were answered 500 INTERNAL and logged with a stack at error level.
describe('#21.9 client errors raised by libraries keep their 4xx, the error shape and a quiet log', () => {
  let app: RecordingApp;
  let lines: CapturedLog[];
  const errorLines = () => lines.filter((l) => l.level >= ERROR_LEVEL);

  beforeAll(async () => {
    const captured = capturedLogger();
    lines = captured.lines;
    app = await startRecordingApp('client-errors', { size: 12_467, logger: captured.logger });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('GET /api/contacts/%E0%A4%A (a broken percent-escape) → 400 MALFORMED_URL, nothing at error level', async () => {
    const res = await app.api.get('/api/contacts/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'MALFORMED_URL', message: expect.any(String) } });
    expect(errorLines()).toEqual([]);
    expect(lines.some((l) => l.code === 'MALFORMED_URL' && l.level < ERROR_LEVEL)).toBe(true);
  });

  it('Range: bytes=-60000 on a 12,467-byte recording → 416 RANGE_NOT_SATISFIABLE, nothing at error level', async () => {
    const res = await app.api.get(`/api/recordings/${app.rec.id}`, { headers: { range: 'bytes=-60000' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */12467');
    expect(res.body).toEqual({ error: { code: 'RANGE_NOT_SATISFIABLE', message: expect.any(String) } });
    expect(errorLines()).toEqual([]);
  });
});
