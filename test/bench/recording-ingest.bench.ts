import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { pino } from 'pino';
import { type DataSource } from 'typeorm';

import { createDatabase } from '@server/db/data-source';
import { RecordingIngestQueue } from '@server/modules/recordings/recording-ingest.queue';
import { RecordingIngestService } from '@server/modules/recordings/recording-ingest.service';
import { type Figure, percentile } from '@test/bench/figure';
import { inboundCallEvents, recordCallEvents } from '@test/support/call-events';

const execFileAsync = promisify(execFile);

/**
 * Recording ingest on one node, for 30 s calls (8 kHz mono PCM WAVs like MixMonitor's, 480 KB each):
 * - burst: BURST recordings handed over at once (closed by the PBX), the real queue and service (claim in Postgres,
 *   header check, ffmpeg → Opus, sha256, the row) at one transcode per core; sustained recordings per second;
 * - paced: PACED_RATE answered calls a second for PACED_SECONDS; from each hand-over to its stored row, p50/p99, and
 *   whether the queue kept up (the last ones waited no longer than the first);
 * - baseline, same run and file: a bare `ffmpeg` to Opus, one at a time (what one core does with nothing else).
 * The spool and store are temp dirs on the same disk; the database is the bench's shared Postgres.
 */
const SECONDS = 30;
const BURST = 60;
const PACED_RATE = 10;
const PACED_SECONDS = 15;
const BARE_RUNS = 8;

// The ingest's own encoder settings (MediaTools.toOpus), so the ratio is what the queue and checks add.
const OPUS_ARGS = [
  ...['-vn', '-ac', '1', '-c:a', 'libopus', '-b:a', '24k', '-application', 'voip'],
  ...['-compression_level', '5', '-frame_duration', '60', '-f', 'ogg'],
];

async function bareFfmpegMs(source: string, out: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < BARE_RUNS; i += 1) {
    const started = performance.now();
    await execFileAsync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-i', source, ...OPUS_ARGS, out]);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

export async function runRecordingIngestBench(databaseUrl: string): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zv-bench-rec-'));
  const spool = mkdtempSync(join(tmpdir(), 'zv-bench-spool-'));
  const store = mkdtempSync(join(tmpdir(), 'zv-bench-store-'));
  const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  const ds: DataSource = database.dataSource;
  const logger = pino({ level: 'warn' });
  const callIds: string[] = [];
  try {
    // Speech-like: band-limited noise at a syllable rate (a pure tone is easier on the encoder than a voice).
    const source = join(dir, 'call-30s.wav');
    await execFileAsync('sox', [
      ...['-n', '-r', '8000', '-c', '1', '-b', '16', source],
      ...['synth', String(SECONDS), 'pinknoise', 'band', '300', '3000', 'tremolo', '5', '80', 'vol', '0.5'],
    ]);
    const concurrency = availableParallelism();
    const service = new RecordingIngestService(ds, logger, { recordingsDir: spool, storeDir: store });
    const queue = new RecordingIngestQueue(ds, service, logger, { concurrency, pollMs: 200 });
    const storedAt = new Map<string, number>();
    const failed: string[] = [];
    queue.onOutcome((callId, _file, outcome) => {
      if (outcome.status === 'stored') storedAt.set(callId, performance.now());
      else failed.push(`${callId}: ${JSON.stringify(outcome)}`);
    });
    queue.start();

    /** A stored, ended call with its recording in the spool, ready to hand to the queue. */
    const call = async (name: string) => {
      copyFileSync(source, join(spool, name));
      const events = inboundCallEvents({
        fromRaw: '+79160000000',
        fromE164: '+79160000000',
        startedAt: new Date().toISOString(),
        answeredBy: '39999',
        recordingFile: `/var/spool/asterisk/monitor/${name}`,
        talkSeconds: SECONDS,
      });
      await recordCallEvents(ds, events);
      callIds.push(events[0]!.callId);
      return { callId: events[0]!.callId, file: `/var/spool/asterisk/monitor/${name}` };
    };

    const bare = await bareFfmpegMs(source, join(dir, 'bare.ogg'));
    const bareMs = percentile(bare, 50);

    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => call(`burst-${i}.wav`)));
    const burstStarted = performance.now();
    await Promise.all(burst.map((c) => queue.add(c.callId, c.file, { closed: true, due: true })));
    await queue.idle();
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    const burstRate = BURST / burstSeconds;

    const paced = await Promise.all(
      Array.from({ length: PACED_RATE * PACED_SECONDS }, (_, i) => call(`paced-${i}.wav`)),
    );
    const handedAt = new Map<string, number>();
    const pacedStarted = performance.now();
    for (const [i, c] of paced.entries()) {
      const due = pacedStarted + (i * 1000) / PACED_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      handedAt.set(c.callId, performance.now());
      await queue.add(c.callId, c.file, { closed: true, due: true });
    }
    await queue.idle();
    await queue.stop();
    if (failed.length) throw new Error(`recordings not stored: ${failed.join('; ')}`);
    const latencies = paced.map((c) => storedAt.get(c.callId)! - handedAt.get(c.callId)!);
    const sorted = [...latencies].sort((a, b) => a - b);
    const tenth = Math.max(1, Math.floor(paced.length / 10));
    const firstTenth = percentile(
      [...latencies.slice(0, tenth)].sort((a, b) => a - b),
      50,
    );
    const lastTenth = percentile(
      [...latencies.slice(-tenth)].sort((a, b) => a - b),
      50,
    );
    const pacedRate = paced.length / ((Math.max(...storedAt.values()) - pacedStarted) / 1000);
    const keptUp = lastTenth <= firstTenth * 2 + 1000;

    return [
      {
        figure: `recording ingest, ${SECONDS} s calls, burst of ${BURST}, ${concurrency} transcodes at once: recordings/s (baseline: bare ffmpeg one at a time)`,
        value: burstRate,
        baseline: 1000 / bareMs,
        unit: 'rec/s',
        ratio: burstRate / (1000 / bareMs),
        details: { burstSeconds, bareFfmpegMsP50: bareMs, bareFfmpegMs: bare, concurrency },
      },
      {
        figure: `recording ingest at ${PACED_RATE} answered calls/s for ${PACED_SECONDS} s: hand-over → stored p50 (baseline: bare ffmpeg)`,
        value: percentile(sorted, 50),
        baseline: bareMs,
        unit: 'ms',
        ratio: percentile(sorted, 50) / bareMs,
        details: {
          p99Ms: percentile(sorted, 99),
          maxMs: sorted.at(-1),
          firstTenthP50Ms: firstTenth,
          lastTenthP50Ms: lastTenth,
          sustainedRate: pacedRate,
          keptUp,
        },
      },
    ];
  } finally {
    await ds.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]).catch(() => undefined);
    await ds.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]).catch(() => undefined);
    await database.close();
    for (const d of [dir, spool, store]) rmSync(d, { recursive: true, force: true });
  }
}
