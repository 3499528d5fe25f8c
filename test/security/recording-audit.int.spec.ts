import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRecordingApp, type RecordingApp } from '@test/security/support/stored-recording';

// Issue #21, finding 8: the `recording.listen` audit row was decided from the Range header before serving, so
// `bytes=1-`, multi-ranges, malformed ranges and a stale If-Range downloaded (almost) the whole file unaudited.
describe('#21.8 every download of a recording is audited from what was served', () => {
  let app: RecordingApp;
  const get = (headers: Record<string, string>, method = 'GET') =>
    fetch(`${app.t.baseUrl}/api/recordings/${app.rec.id}`, {
      method,
      headers: { cookie: app.api.cookie!, ...headers },
    });
  // Each download is a fresh listener's first: no earlier listen of theirs makes it a continuation.
  const fresh = () => app.t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = $1`, [app.listener.id]);
  const bytes = () => app.rec.bytes;
  const size = () => app.rec.bytes.length;

  beforeAll(async () => {
    app = await startRecordingApp('rec-audit');
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['bytes=1-', 206, () => bytes().subarray(1)],
    ['bytes=1-10, 20-', 200, () => bytes()],
    ['bytes=1-10,5-', 206, () => bytes().subarray(1)],
    ['bytes=abc', 200, () => bytes()],
    ['bytes=-100', 206, () => bytes().subarray(size() - 100)],
  ])('Range: %s → %i, audited once', async (range, status, expected) => {
    await fresh();
    const res = await get({ range });
    expect(res.status).toBe(status);
    expect(Buffer.from(await res.arrayBuffer()).equals(expected())).toBe(true);
    const rows = await app.listens();
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
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes())).toBe(true);
      expect(await app.listens(), ifRange).toHaveLength(1);
    }
  });

  it('one playback is one row: the chunks after a listen that served byte 0 are not new listens', async () => {
    await fresh();
    expect((await get({ range: 'bytes=0-99' })).status).toBe(206);
    expect((await get({ range: 'bytes=100-' })).status).toBe(206);
    expect((await get({ range: 'bytes=5000-6000' })).status).toBe(206);
    expect(await app.listens()).toHaveLength(1);
  });

  it('HEAD serves no audio and is not a listen', async () => {
    await fresh();
    const res = await get({}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size()));
    expect(await app.listens()).toHaveLength(0);
  });
});
