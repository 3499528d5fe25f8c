import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent } from '@telephony';
import { type CallChange } from '@server/common/calls/call-change';
import { type CallProjection, projectCall } from '@server/common/calls/call-projection';
import { MediaTools } from '@server/modules/recordings/media-tools';
import { createRecordingReaction } from '@server/modules/recordings/recording-ingest.reaction';
import { RecordingIngestQueue } from '@server/modules/recordings/recording-ingest.queue';
import { RecordingIngestService, type IngestOutcome } from '@server/modules/recordings/recording-ingest.service';
import { purgeExpiredRecordings } from '@server/modules/recordings/recording-retention.job';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { inboundCallEvents, recordCallEvents } from '@test/support/call-events';

// Recording ingest, playback and retention on the real app and Postgres, with real ffmpeg/ffprobe/sox and WAV files
// shaped like MixMonitor's. The PBX is not needed here: recordings-live.int.spec.ts drives the same path from a real
// Asterisk call.
const SPOOL = '/var/spool/asterisk/monitor';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** 8 kHz mono 16-bit PCM WAV of a tone, like MixMonitor writes. */
function makeWav(file: string, seconds: number): void {
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', '440']);
}

describe('recordings: ingest, Range playback with ACL and audit, retention (real Postgres, ffmpeg)', () => {
  let t: TestApp;
  let recordingsDir: string;
  let storeDir: string;
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  let ingest: RecordingIngestService;
  const users: Record<'op1' | 'op2' | 'op3' | 'sup' | 'mgr' | 'admin', SeededUser & { ext: string | null }> =
    {} as never;
  const clients: Record<string, ApiClient> = {};
  const callIds: string[] = [];
  const ext = (n: number) => String(300_000 + Math.floor(Math.random() * 300_000) + n);
  let recordingId: string;
  let storedBytes: Buffer;

  beforeAll(async () => {
    recordingsDir = mkdtempSync(join(tmpdir(), 'zv-spool-'));
    storeDir = mkdtempSync(join(tmpdir(), 'zv-store-'));
    t = await startTestApp({ recordingsStoreDir: storeDir });
    ingest = new RecordingIngestService(t.dataSource, logger, {
      recordingsDir,
      storeDir,
      media: new MediaTools({ timeoutMs: 30_000 }),
      appearTimeoutMs: 600,
      settleMs: 400,
      pollMs: 100,
      maxWaitMs: 10_000,
    });
    const p = suitePrefix('rec');
    const specs = [
      ['op1', 'operator', ext(1)],
      ['op2', 'operator', ext(2)],
      ['op3', 'operator', ext(3)],
      ['sup', 'supervisor', null],
      ['mgr', 'manager', null],
      ['admin', 'admin', null],
    ] as const;
    for (const [key, role, extension] of specs) {
      users[key] = { ...(await createUser(t.dataSource, `${p}-${key}`, role, extension)), ext: extension };
      clients[key] = new ApiClient(t.baseUrl);
      await clients[key].login(`${p}-${key}`, TEST_PASSWORD);
    }
  });

  afterAll(async () => {
    if (t) {
      await t.dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
      await t.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
      await deleteUsers(
        t.dataSource,
        Object.values(users).map((u) => u.id),
      );
      await t.close();
    }
    rmSync(recordingsDir, { recursive: true, force: true });
    rmSync(storeDir, { recursive: true, force: true });
  });

  /** What the pipeline hands a reaction for `event` of a call whose record is now `call`. */
  const changeOf = (event: CallEvent, call: CallProjection): CallChange => ({
    event,
    before: call,
    after: call,
    link: { kind: 'none' },
    takenOver: false,
  });

  /** An ingest queue of this suite's spool (not started: `idle()` claims what is due). */
  const queueOf = (service: RecordingIngestService, concurrency = 2) =>
    new RecordingIngestQueue(t.dataSource, service, logger, { concurrency, retryDelaysMs: [50, 50] });

  /** Stores a call's events like the pipeline and returns them with the final projection. */
  async function recordedCall(name: string, answeredBy: string, transferTo?: string) {
    const events = inboundCallEvents({
      fromRaw: '+79161230000',
      fromE164: '+79161230000',
      startedAt: new Date().toISOString(),
      answeredBy,
      transferTo,
      recordingFile: `${SPOOL}/${name}`,
    });
    await recordCallEvents(t.dataSource, events);
    const callId = events[0]!.callId;
    callIds.push(callId);
    return { callId, events, call: projectCall(events)! };
  }
  const rowsOf = (callId: string) =>
    t.dataSource.query('SELECT * FROM recordings WHERE call_id = $1', [callId]) as Promise<Record<string, unknown>[]>;
  const callRow = async (callId: string) =>
    (await t.dataSource.query('SELECT * FROM calls WHERE id = $1', [callId]))[0];

  it('ingests a finished call once: Opus/Ogg mono under a dated key, duration, size, sha256 and mime in the row', async () => {
    makeWav(join(recordingsDir, 'ok.wav'), 3);
    const { callId, events, call } = await recordedCall('ok.wav', users.op1.ext!, users.op2.ext!);
    const queue = queueOf(ingest);
    const reaction = createRecordingReaction(queue);
    const outcomes: IngestOutcome[] = [];
    queue.onOutcome((_c, _f, o) => outcomes.push(o));
    const ended = events.find((e) => e.type === 'call.ended')!;
    const ready = events.find((e) => e.type === 'recording.ready')!;
    // recording.ready (the call still on) waits for call.ended; redelivered, both name the same job.
    await reaction(changeOf(ready, { ...call, status: 'answered' }));
    await reaction(changeOf(ready, { ...call, status: 'answered' }));
    await reaction(changeOf(ended, call));
    await reaction(changeOf(ended, call));
    await queue.idle();
    // A second consumer run long after: the stored file is found, one row.
    await reaction(changeOf(ready, call));
    await queue.idle();
    await queue.stop();
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'duplicate']);

    const rows = await rowsOf(callId);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    recordingId = row.id as string;
    const key = row.storage_key as string;
    expect(key).toMatch(new RegExp(`^\\d{4}/\\d{2}/\\d{2}/${callId}-[0-9a-f]{8}\\.ogg$`));
    storedBytes = readFileSync(join(storeDir, key));
    expect(row).toMatchObject({ mime: 'audio/ogg', duration_seconds: 3, sha256: sha256(storedBytes) });
    expect(Number(row.size_bytes)).toBe(storedBytes.length);
    // Compact: 3 s of 8 kHz PCM is 48 KB; Opus at 24 kbit/s is about a fifth of that.
    expect(storedBytes.length).toBeLessThan(15_000);
    const probe = await new MediaTools().probeAudio(join(storeDir, key));
    expect(probe).toMatchObject({ format: 'ogg', codec: 'opus', channels: 1 });
    expect(probe!.durationSeconds).toBeCloseTo(3, 0);
    expect(await callRow(callId)).toMatchObject({ status: 'ended', disposition: 'answered' });
  });

  describe('GET /api/recordings/:id', () => {
    const auditCount = async (action: string, actorId: string) =>
      Number(
        (
          await t.dataSource.query(
            'SELECT count(*) AS n FROM audit_log WHERE action = $1 AND actor_id = $2 AND entity_id = $3',
            [action, actorId, recordingId],
          )
        )[0].n,
      );
    const fetchAs = (who: string, headers: Record<string, string> = {}) =>
      fetch(`${t.baseUrl}/api/recordings/${recordingId}`, { headers: { cookie: clients[who]!.cookie!, ...headers } });

    it('serves a Range to the operator who answered: 206, Content-Range, exactly those bytes; audits the playback once', async () => {
      const res = await fetchAs('op1', { range: 'bytes=0-99' });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes 0-99/${storedBytes.length}`);
      expect(res.headers.get('content-type')).toBe('audio/ogg');
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      const body = Buffer.from(await res.arrayBuffer());
      expect(body).toHaveLength(100);
      expect(body.equals(storedBytes.subarray(0, 100))).toBe(true);
      expect(await auditCount('recording.listen', users.op1.id)).toBe(1);
      // The browser's next chunk of the same playback is not a new listen.
      const next = await fetchAs('op1', { range: 'bytes=100-' });
      expect(next.status).toBe(206);
      expect(Buffer.from(await next.arrayBuffer()).equals(storedBytes.subarray(100))).toBe(true);
      expect(await auditCount('recording.listen', users.op1.id)).toBe(1);
    });

    it('serves the operator who received the call by transfer, supervisors and managers; audits each', async () => {
      for (const who of ['op2', 'sup', 'mgr'] as const) {
        const res = await fetchAs(who);
        expect(res.status, who).toBe(200);
        expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(storedBytes));
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await auditCount('recording.listen', users[who].id)).toBe(1);
      }
    });

    it('answers HEAD with the size and no audit entry (nothing was played)', async () => {
      const before = await auditCount('recording.listen', users.sup.id);
      const res = await fetch(`${t.baseUrl}/api/recordings/${recordingId}`, {
        method: 'HEAD',
        headers: { cookie: clients.sup!.cookie! },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(storedBytes.length));
      expect(await auditCount('recording.listen', users.sup.id)).toBe(before);
    });

    it('refuses another operator and an admin with 403, audited as denied, no listen entry', async () => {
      for (const who of ['op3', 'admin'] as const) {
        const res = await fetchAs(who, { range: 'bytes=0-99' });
        expect(res.status, who).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
        expect(await auditCount('recording.listen', users[who].id)).toBe(0);
        expect(await auditCount('recording.listen-denied', users[who].id)).toBe(1);
      }
    });

    it('has no listing and no path from the client: 404/400, never a file outside the store', async () => {
      const get = (path: string) => fetch(`${t.baseUrl}${path}`, { headers: { cookie: clients.sup!.cookie! } });
      expect((await get('/api/recordings/')).status).toBe(404);
      expect((await get('/api/recordings/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
      // Another id: the last hex digit changed (replacing it with a fixed digit is a no-op one time in 16).
      const otherId = recordingId.slice(0, -1) + (recordingId.endsWith('0') ? '1' : '0');
      expect((await get(`/api/recordings/${otherId}`)).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/api/recordings/${recordingId}`)).status).toBe(401);
      // Even a storage key gone bad in the database (not ours: written by hand) is refused, not followed.
      const [{ id }] = await t.dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime)
         VALUES ($1, '../../../../etc/passwd', 1, $2, 'audio/ogg') RETURNING id`,
        [callIds[0], 'b'.repeat(64)],
      );
      const res = await get(`/api/recordings/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('root:');
      await t.dataSource.query('DELETE FROM recordings WHERE id = $1', [id]);
    });
  });

  describe('bad files: clear log line, no row, the call record intact', () => {
    async function expectRejected(name: string, reason: string) {
      const { callId } = await recordedCall(name, users.op1.ext!);
      const before = await callRow(callId);
      logLines.length = 0;
      const outcome = await ingest.ingest({ callId, pbxFile: `${SPOOL}/${name}` });
      expect(outcome).toEqual({ status: 'rejected', reason });
      expect(await rowsOf(callId)).toHaveLength(0);
      expect(await callRow(callId)).toEqual(before);
      const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reason === reason);
      expect(line).toMatchObject({ callId, pbxFile: `${SPOOL}/${name}`, msg: expect.stringContaining(reason) });
    }

    it('a truncated WAV (data chunk longer than the file)', async () => {
      const file = join(recordingsDir, 'cut.wav');
      makeWav(file, 3);
      truncateSync(file, 20_000);
      await expectRejected('cut.wav', 'truncated');
    });

    it('a missing file', async () => {
      await expectRejected('never-written.wav', 'missing');
    });

    it('a file that is not a WAV', async () => {
      writeFileSync(join(recordingsDir, 'noise.wav'), Buffer.from('this is not audio at all, just text'.repeat(10)));
      await expectRejected('noise.wav', 'not-wav');
    });

    it('a symlink planted in the spool', async () => {
      symlinkSync('/etc/passwd', join(recordingsDir, 'link.wav'));
      await expectRejected('link.wav', 'not-a-file');
    });

    it('a name that could leave the spool', async () => {
      const { callId } = await recordedCall('x.wav', users.op1.ext!);
      expect(await ingest.ingest({ callId, pbxFile: `${SPOOL}/..` })).toEqual({
        status: 'rejected',
        reason: 'unsafe-path',
      });
      expect(await rowsOf(callId)).toHaveLength(0);
    });
  });

  it('leaves no abort listener on the shared stop signal after polling for a file', async () => {
    const { callId } = await recordedCall('late.wav', users.op1.ext!);
    const stop = new AbortController();
    // appearTimeoutMs 600 / pollMs 100: several polls, each of which used to leave a listener behind.
    const outcome = await ingest.ingest({ callId, pbxFile: `${SPOOL}/late.wav`, signal: stop.signal });
    expect(outcome).toEqual({ status: 'rejected', reason: 'missing' });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('waits while MixMonitor is still writing, then ingests the whole file', async () => {
    const full = join(recordingsDir, 'full.wav');
    makeWav(full, 2);
    const bytes = readFileSync(full);
    const growing = join(recordingsDir, 'growing.wav');
    // Header and a first part now, the rest in chunks over ~1 s: ingesting early would see a truncated file.
    writeFileSync(growing, bytes.subarray(0, 4_000));
    let offset = 4_000;
    const writer = setInterval(() => {
      const next = Math.min(bytes.length, offset + 4_000);
      appendFileSync(growing, bytes.subarray(offset, next));
      offset = next;
      if (offset >= bytes.length) clearInterval(writer);
    }, 100);
    const { callId } = await recordedCall('growing.wav', users.op1.ext!);
    const outcome = await ingest.ingest({ callId, pbxFile: `${SPOOL}/growing.wav` });
    clearInterval(writer);
    expect(statSync(growing).size).toBe(bytes.length);
    expect(outcome.status).toBe('stored');
    expect((await rowsOf(callId))[0]).toMatchObject({ duration_seconds: 2 });
  });

  it('re-queues at start what a crashed node never ingested', async () => {
    makeWav(join(recordingsDir, 'orphan.wav'), 1);
    // Stored and ended, but no reaction ran (the node died between the event and the ingest).
    const { callId } = await recordedCall('orphan.wav', users.op1.ext!);
    expect(await rowsOf(callId)).toHaveLength(0);
    const queue = queueOf(ingest);
    const done: string[] = [];
    queue.onOutcome((c, _f, o) => c === callId && done.push(o.status));
    expect(await queue.recoverUnfinished()).toBeGreaterThanOrEqual(1);
    await queue.idle();
    await queue.stop();
    expect(done).toEqual(['stored']);
    expect(await rowsOf(callId)).toHaveLength(1);
  });

  describe('retention', () => {
    it('deletes files and rows older than the period and keeps the rest; 0 keeps everything', async () => {
      makeWav(join(recordingsDir, 'old.wav'), 1);
      const { callId: oldCall } = await recordedCall('old.wav', users.op1.ext!);
      const stored = await ingest.ingest({ callId: oldCall, pbxFile: `${SPOOL}/old.wav` });
      expect(stored.status).toBe('stored');
      const oldKey = stored.status === 'stored' ? stored.storageKey : '';
      await t.dataSource.query(`UPDATE recordings SET created_at = now() - interval '40 days' WHERE call_id = $1`, [
        oldCall,
      ]);
      const youngKey = (await rowsOf(callIds[0]!))[0]!.storage_key as string;
      const purge = (retentionDays: number, now?: () => Date) =>
        purgeExpiredRecordings({ dataSource: t.dataSource, logger, storeDir, retentionDays, now });

      expect(await purge(0)).toBe(0);
      expect(await purge(60)).toBe(0);
      expect(statSync(join(storeDir, oldKey)).size).toBeGreaterThan(0);

      expect(await purge(30)).toBeGreaterThanOrEqual(1);
      expect(await rowsOf(oldCall)).toHaveLength(0);
      expect(() => statSync(join(storeDir, oldKey))).toThrow();
      expect(await rowsOf(callIds[0]!)).toHaveLength(1);
      expect(statSync(join(storeDir, youngKey)).size).toBeGreaterThan(0);
      // The call itself stays: retention is about audio, not the call history.
      expect(await callRow(oldCall)).toMatchObject({ status: 'ended' });

      // A clock 31 days ahead makes today's recordings expire too.
      const later = () => new Date(Date.now() + 31 * 86_400_000);
      expect(await purge(30, later)).toBeGreaterThanOrEqual(1);
      expect(await rowsOf(callIds[0]!)).toHaveLength(0);
      expect(() => statSync(join(storeDir, youngKey))).toThrow();
    });
  });
});
