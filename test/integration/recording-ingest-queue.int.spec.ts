import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { pino } from 'pino';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabase, type Database } from '@server/db/data-source';
import { MediaToolInterrupted, MediaTools } from '@server/modules/recordings/media-tools';
import { RecordingIngestQueue } from '@server/modules/recordings/recording-ingest.queue';
import {
  RecordingIngestService,
  type IngestOutcome,
  type RecordingIngestOptions,
} from '@server/modules/recordings/recording-ingest.service';
import { requireDatabaseUrl } from '@test/support/api-server';
import { inboundCallEvents, recordCallEvents } from '@test/support/call-events';
import { waitFor } from '@test/support/services/ports';

// The recordings ingest queue on the real Postgres with real ffmpeg and sox: files the PBX said it closed, files
// it did not (MixMonitor patches the header on close), bounded transcodes, a node SIGKILLed mid-ingest, a killed
// ffmpeg/ffprobe, and a shutdown that does not wait for files that never appear. Killed tools are scripts that
// kill themselves (the only way to kill a tool at a chosen moment), otherwise the real binaries run.
const SPOOL = '/var/spool/asterisk/monitor';

function makeWav(file: string, seconds: number): void {
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', '440']);
}

/** An executable shell script in `dir`. */
function script(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('recordings ingest queue (real Postgres, ffmpeg)', () => {
  let database: Database;
  let ds: DataSource;
  let dir: string;
  let spool: string;
  let store: string;
  const callIds: string[] = [];
  const logLines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    dir = mkdtempSync(join(tmpdir(), 'zv-ingest-q-'));
    spool = mkdtempSync(join(tmpdir(), 'zv-ingest-spool-'));
    store = mkdtempSync(join(tmpdir(), 'zv-ingest-store-'));
  });

  afterAll(async () => {
    if (ds?.isInitialized) {
      await ds.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
      await ds.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    }
    await database?.close();
    for (const d of [dir, spool, store]) if (d) rmSync(d, { recursive: true, force: true });
  });

  const service = (options: Partial<RecordingIngestOptions> = {}) =>
    new RecordingIngestService(ds, logger, {
      recordingsDir: spool,
      storeDir: store,
      appearTimeoutMs: 2_000,
      ...options,
    });
  const queueOf = (svc: RecordingIngestService, options: { concurrency?: number; leaseMs?: number } = {}) =>
    new RecordingIngestQueue(ds, svc, logger, { concurrency: 2, pollMs: 100, retryDelaysMs: [50, 50], ...options });

  /** An ended call (stored like the pipeline does) whose recording is `name` in the spool. */
  async function endedCall(name: string): Promise<string> {
    const events = inboundCallEvents({
      fromRaw: '+79161239900',
      fromE164: '+79161239900',
      startedAt: new Date().toISOString(),
      answeredBy: '39901',
      recordingFile: `${SPOOL}/${name}`,
      talkSeconds: 5,
    });
    await recordCallEvents(ds, events);
    callIds.push(events[0]!.callId);
    return events[0]!.callId;
  }
  const recordingsOf = async (callId: string) =>
    (await ds.query('SELECT duration_seconds FROM recordings WHERE call_id = $1', [callId])) as {
      duration_seconds: number;
    }[];
  const jobOf = async (callId: string) =>
    ((await ds.query('SELECT * FROM recording_ingests WHERE call_id = $1', [callId])) as Record<string, unknown>[])[0];

  it('waits for a file the PBX did not say it closed until MixMonitor patches its header, then stores it', async () => {
    // MixMonitor writes RIFF and data sizes of 0 while it records and the real ones when it closes the file.
    makeWav(join(dir, 'src.wav'), 2);
    const bytes = readFileSync(join(dir, 'src.wav'));
    const open = Buffer.from(bytes);
    open.writeUInt32LE(0, 4);
    open.writeUInt32LE(0, 40);
    writeFileSync(join(spool, 'sealing.wav'), open);
    const callId = await endedCall('sealing.wav');
    const patched = setTimeout(() => writeFileSync(join(spool, 'sealing.wav'), bytes), 800);
    const outcome = await service({ settleMs: 100 }).ingest({ callId, pbxFile: `${SPOOL}/sealing.wav` });
    clearTimeout(patched);
    expect(outcome.status).toBe('stored');
    expect(await recordingsOf(callId)).toEqual([{ duration_seconds: 2 }]);
  });

  it('reads a file the PBX said it closed without waiting for it to settle', async () => {
    makeWav(join(spool, 'closed.wav'), 1);
    const callId = await endedCall('closed.wav');
    // A settle longer than the test's timeout: only `closed` lets this finish.
    const outcome = await service({ settleMs: 600_000 }).ingest({
      callId,
      pbxFile: `${SPOOL}/closed.wav`,
      closed: true,
    });
    expect(outcome.status).toBe('stored');
  });

  it('transcodes at most `concurrency` files at once, and all of them', async () => {
    const log = join(dir, 'overlap.log');
    writeFileSync(log, '');
    // Each run notes its start and end; the sleep keeps runs long enough to overlap when allowed to.
    const ffmpeg = script(
      dir,
      'ffmpeg-timed',
      `echo "+ $(date +%s%N)" >> ${log}; sleep 0.3; ffmpeg "$@"; rc=$?; echo "- $(date +%s%N)" >> ${log}; exit $rc`,
    );
    const svc = service({ media: new MediaTools({ ffmpegPath: ffmpeg }) });
    const queue = queueOf(svc, { concurrency: 2 });
    const calls: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      makeWav(join(spool, `par-${i}.wav`), 1);
      const callId = await endedCall(`par-${i}.wav`);
      calls.push(callId);
      await queue.add(callId, `${SPOOL}/par-${i}.wav`, { closed: true, due: true });
    }
    await queue.idle();
    await queue.stop();
    for (const callId of calls) expect(await recordingsOf(callId)).toHaveLength(1);
    const marks = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => ({ delta: line.startsWith('+') ? 1 : -1, at: BigInt(line.slice(2)) }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.delta - b.delta));
    let running = 0;
    let most = 0;
    for (const m of marks) most = Math.max(most, (running += m.delta));
    expect(most).toBe(2);
  });

  it('takes over the ingest of a node SIGKILLed mid-transcode once its claim runs out', async () => {
    makeWav(join(spool, 'crash.wav'), 1);
    const callId = await endedCall('crash.wav');
    const marker = join(dir, 'doomed-started');
    // The doomed node's ffmpeg says it started, then hangs until the test kills it.
    const hang = script(dir, 'ffmpeg-hang', `echo $$ > ${marker}; exec sleep 60`);
    const worker = spawn(
      'node_modules/.bin/tsx',
      ['test/support/recording-ingest-worker.ts', spool, store, hang, '1500'],
      // Its own process group: tsx runs the script in a child process, and the crash must take both.
      { env: { ...process.env, DATABASE_URL: requireDatabaseUrl() }, stdio: 'ignore', detached: true },
    );
    const crash = () => {
      try {
        process.kill(-worker.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const survivor = queueOf(service(), { leaseMs: 1500 });
    try {
      const doomed = queueOf(service());
      await doomed.add(callId, `${SPOOL}/crash.wav`, { closed: true, due: true });
      await waitFor(async () => existsSync(marker) && readFileSync(marker, 'utf8').trim() !== '', {
        what: 'the doomed node transcoding',
        timeoutMs: 20_000,
        intervalMs: 50,
      });
      expect(await jobOf(callId)).toMatchObject({ claimed_by: 'doomed-node', attempts: 1 });
      crash();
      // The hung "ffmpeg" runs in a process group of its own (as every media tool does): it dies with the test.
      process.kill(Number(readFileSync(marker, 'utf8')), 'SIGKILL');
      const outcomes: IngestOutcome[] = [];
      survivor.onOutcome((c, _f, o) => c === callId && outcomes.push(o));
      survivor.start();
      await waitFor(async () => (await recordingsOf(callId)).length === 1, {
        what: 'the survivor storing the recording',
        timeoutMs: 20_000,
        intervalMs: 100,
      });
      await waitFor(async () => (await jobOf(callId)) === undefined, { what: 'the job done', timeoutMs: 5_000 });
      expect(outcomes.map((o) => o.status)).toEqual(['stored']);
    } finally {
      crash();
      await survivor.stop();
    }
  });

  it('retries when ffmpeg is killed instead of calling the file bad', async () => {
    makeWav(join(spool, 'killed.wav'), 1);
    const callId = await endedCall('killed.wav');
    const once = join(dir, 'killed-once');
    const ffmpeg = script(
      dir,
      'ffmpeg-killed-once',
      `[ -e ${once} ] || { touch ${once}; kill -9 $$; }; exec ffmpeg "$@"`,
    );
    const queue = queueOf(service({ media: new MediaTools({ ffmpegPath: ffmpeg }) }));
    const outcomes: IngestOutcome[] = [];
    queue.onOutcome((c, _f, o) => c === callId && outcomes.push(o));
    logLines.length = 0;
    queue.start();
    await queue.add(callId, `${SPOOL}/killed.wav`, { closed: true, due: true });
    await waitFor(async () => (await recordingsOf(callId)).length === 1, {
      what: 'stored on retry',
      timeoutMs: 10_000,
    });
    await queue.idle();
    await queue.stop();
    expect(outcomes.map((o) => o.status)).toEqual(['stored']);
    const retry = logLines.find((l) => l.callId === callId && l.msg === 'recording ingest failed; will retry');
    expect(retry).toMatchObject({ err: { message: expect.stringContaining('killed by SIGKILL') } });
    expect(logLines.some((l) => l.callId === callId && l.reason !== undefined)).toBe(false);
  });

  it('a killed ffprobe is an interruption, not a file without audio', async () => {
    makeWav(join(dir, 'probe.wav'), 1);
    const ffprobe = script(dir, 'ffprobe-killed', 'kill -9 $$');
    await expect(new MediaTools({ ffprobePath: ffprobe }).probeAudio(join(dir, 'probe.wav'))).rejects.toBeInstanceOf(
      MediaToolInterrupted,
    );
    expect(await new MediaTools().probeAudio(join(dir, 'probe.wav'))).toMatchObject({ codec: 'pcm_s16le' });
  });

  it('on stop, lets go of a file that never appears at once and finishes the transcode in hand', async () => {
    const missingCall = await endedCall('never-there.wav');
    makeWav(join(spool, 'in-hand.wav'), 1);
    const inHandCall = await endedCall('in-hand.wav');
    const marker = join(dir, 'in-hand-started');
    const slow = script(dir, 'ffmpeg-slow', `touch ${marker}; sleep 1; exec ffmpeg "$@"`);
    // Ten minutes for a file to appear: a stop that waited for it would outlast the test.
    const queue = queueOf(service({ appearTimeoutMs: 600_000, media: new MediaTools({ ffmpegPath: slow }) }));
    const outcomes: Record<string, string> = {};
    queue.onOutcome((c, _f, o) => (outcomes[c] = o.status));
    queue.start();
    await queue.add(missingCall, `${SPOOL}/never-there.wav`, { closed: false, due: true });
    await queue.add(inHandCall, `${SPOOL}/in-hand.wav`, { closed: true, due: true });
    await waitFor(async () => existsSync(marker), { what: 'the transcode under way', timeoutMs: 10_000 });
    await queue.stop();
    expect(outcomes).toEqual({ [missingCall]: 'interrupted', [inHandCall]: 'stored' });
    expect(await recordingsOf(inHandCall)).toHaveLength(1);
    // Due again at once, for the next start, with the attempt not counted.
    expect(await jobOf(missingCall)).toMatchObject({ claimed_by: null, attempts: 0, rejected: null });
    expect(await jobOf(inHandCall)).toBeUndefined();
  }, 30_000);
});
