import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRecordingApp, type RecordingApp } from '@test/security/support/stored-recording';

// Issue #14, defect 2: `Range: bytes=13467-` on a 12,467-byte recording answered 500 INTERNAL.
describe('#14.2 a Range past the end of a recording → 416 with Content-Range: bytes */<size>', () => {
  let app: RecordingApp;

  beforeAll(async () => {
    app = await startRecordingApp('range', { size: 12_467 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(['bytes=13467-', 'bytes=12467-', 'bytes=20000-20100'])(
    'Range: %s → 416, no listen audited',
    async (range) => {
      const res = await app.api.get(`/api/recordings/${app.rec.id}`, { headers: { range } });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe('bytes */12467');
      expect(res.body).toEqual({ error: { code: 'RANGE_NOT_SATISFIABLE', message: expect.any(String) } });
      expect(await app.listens()).toHaveLength(0);
    },
  );

  it('the last byte is still served (12466-)', async () => {
    const res = await fetch(`${app.t.baseUrl}/api/recordings/${app.rec.id}`, {
      headers: { cookie: app.api.cookie!, range: 'bytes=12466-' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 12466-12466/12467');
    expect(Buffer.from(await res.arrayBuffer()).equals(app.rec.bytes.subarray(12466))).toBe(true);
  });
});
