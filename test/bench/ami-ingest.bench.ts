import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Manager from 'asterisk-manager';

import { parseAmiText } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame } from '@telephony/ami/ami-message';
import { DEFAULT_TRACKER_CONFIG, initialTrackerState, reduceAll } from '@telephony/ami/call-tracker';
import { createTelephonyProvider, type TelephonyEvent } from '@telephony';
import { amiCallsInProgress } from '@test/support/telephony/ami-calls-in-progress';
import { amiEventsOf } from '@test/support/telephony/ami-test-events';

/**
 * AMI ingest throughput on a recorded Asterisk 22 trace (100 concurrent calls), replayed in socket-sized chunks
 * with one macrotask per chunk, as a real socket delivers it:
 * - baseline: asterisk-manager's own reader alone (the library we sit on), counting `managerevent`;
 * - production: the AMI provider as the server builds it (createTelephonyProvider): asterisk-manager's socket,
 *   read by AmiConnection with our frame parser, into the call tracker, out to a listener.
 * Each production replay runs on a fresh provider (logged in and resynced before the clock starts): replaying
 * into an old state would hit the ended-call memory and skip most of the work. Only the replay is timed.
 * The production path runs twice: on an otherwise idle PBX, and with 5,000 other calls in progress (fed in before
 * the clock starts), as at a centre taking 100 calls a second of under a minute: an event must cost the same.
 */

export interface BenchFigure {
  figure: string;
  /** Events per second. */
  value: number;
  unit: 'events/s';
  /** Same-run baseline, events per second. */
  baseline: number;
  /** value / baseline. */
  ratio: number;
  events: number;
  passes: number;
  seconds: number;
  /** Telephony events produced per replay (0 for the baseline); checked against the pure tracker's output. */
  telephonyEventsPerPass: number;
  heapUsedBytes: number;
  rssBytes: number;
}

const TRACE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ami', '22', 'load-100.txt');
// A local TCP read rarely exceeds 64 KiB.
const CHUNK = 64 * 1024;
const WARMUP_S = 0.4;
const MEASURE_S = 2.5;
const CALLS_IN_PROGRESS = 5_000;

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Pass {
  events: number;
  produced: number;
  /** Time spent replaying the trace (setup excluded). */
  ms: number;
}

interface PassRunner {
  pass(): Promise<Pass>;
  close(): void;
}

/**
 * Stands in for the net.Socket asterisk-manager creates, so its real code runs without a network. It answers the
 * actions a provider sends before it is up (Login, CoreShowChannels, QueueStatus) like an idle Asterisk.
 */
class FakeSocket extends EventEmitter {
  readyState = 'open';
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  write(text: string): boolean {
    for (const frame of parseAmiText(text).frames) {
      const { fields } = messageFromFrame(frame);
      const id = `ActionID: ${fields.actionid ?? ''}`;
      const frames = [`Response: Success\r\n${id}\r\nMessage: OK`];
      const list = { coreshowchannels: 'CoreShowChannelsComplete', queuestatus: 'QueueStatusComplete' };
      const complete = list[(fields.action ?? '').toLowerCase() as keyof typeof list];
      if (complete) frames.push(`Event: ${complete}\r\n${id}\r\nEventList: Complete\r\nListItems: 0`);
      setImmediate(() => this.emit('data', frames.map((f) => `${f}\r\n\r\n`).join('')));
    }
    return true;
  }
  end(): this {
    this.readyState = 'closed';
    return this;
  }
}

/** Runs `open` with net.createConnection returning `socket`, announced on the channel net.connect publishes on. */
function withSocket<T>(socket: FakeSocket, open: () => T): T {
  const original = net.createConnection;
  // asterisk-manager looks `createConnection` up on the shared `net` module at connect time.
  net.createConnection = (() => {
    channel('net.client.socket').publish({ socket });
    setImmediate(() => socket.emit('connect'));
    return socket;
  }) as unknown as typeof net.createConnection;
  try {
    return open();
  } finally {
    net.createConnection = original;
  }
}

async function replay(socket: FakeSocket, chunks: readonly string[]): Promise<number> {
  const start = performance.now();
  for (const chunk of chunks) {
    socket.emit('data', chunk);
    // asterisk-manager emits through process.nextTick; a macrotask drains that like a real socket read.
    await nextMacrotask();
  }
  return performance.now() - start;
}

function managerRunner(chunks: readonly string[]): PassRunner {
  const socket = new FakeSocket();
  const manager = withSocket(socket, () => {
    const m = Manager(undefined, '127.0.0.1', 'bench', 'bench', true);
    m.connect(5038, '127.0.0.1');
    return m;
  });
  let events = 0;
  manager.on('managerevent', () => {
    events++;
  });
  return {
    async pass() {
      events = 0;
      const ms = await replay(socket, chunks);
      return { events, produced: 0, ms };
    },
    close() {
      manager.disconnect();
    },
  };
}

/**
 * `expected`: what the pure tracker makes of the trace; every replay must produce as many, the first the same.
 * `prelude`: chunks fed in before the clock starts (other calls in progress); what they produce is not counted.
 */
function providerRunner(
  chunks: readonly string[],
  traceEvents: number,
  expected: readonly TelephonyEvent[],
  prelude: readonly string[] = [],
): PassRunner {
  let checked = false;
  return {
    async pass() {
      const socket = new FakeSocket();
      const provider = createTelephonyProvider({
        kind: 'ami',
        host: '127.0.0.1',
        port: 5038,
        user: 'bench',
        secret: 'bench',
      });
      // Only the first replay keeps what it produced (for the check); the others count, like a cheap consumer.
      const kept: TelephonyEvent[] = [];
      let produced = 0;
      const up = new Promise<void>((resolve) =>
        provider.onEvent((e) => {
          if (e.type === 'provider.up') resolve();
          else if (e.type !== 'provider.down') {
            produced++;
            if (!checked) kept.push(e);
          }
        }),
      );
      await withSocket(socket, () => provider.start());
      await up;
      await replay(socket, prelude);
      kept.length = 0;
      produced = 0;
      const ms = await replay(socket, chunks);
      await provider.stop();
      const same = checked ? produced === expected.length : JSON.stringify(kept) === JSON.stringify(expected);
      if (!same) throw new Error(`production path produced ${produced} events unlike the pure tracker's`);
      checked = true;
      // Exactly the pure tracker's output: every event of the trace went through.
      return { events: traceEvents, produced, ms };
    },
    close() {},
  };
}

interface Measured {
  eventsPerSecond: number;
  events: number;
  passes: number;
  seconds: number;
  produced: number;
}

/**
 * Replays through every runner in turn, pass after pass, so that a neighbour's load on the shared cores falls on
 * all of them alike instead of on whichever happened to run during it.
 */
async function measureInTurns(runners: readonly PassRunner[], expectedEvents: number): Promise<Measured[]> {
  const check = (r: Pass) => {
    if (r.events !== expectedEvents) throw new Error(`replay saw ${r.events} events, trace has ${expectedEvents}`);
    return r;
  };
  const warmEnd = performance.now() + WARMUP_S * 1000 * runners.length;
  while (performance.now() < warmEnd) for (const runner of runners) check(await runner.pass());
  const totals = runners.map(() => ({ events: 0, passes: 0, produced: 0, ms: 0 }));
  while (totals.some((t) => t.ms < MEASURE_S * 1000)) {
    for (const [i, runner] of runners.entries()) {
      const r = check(await runner.pass());
      const t = totals[i]!;
      t.events += r.events;
      t.produced = r.produced;
      t.passes++;
      t.ms += r.ms;
    }
  }
  for (const runner of runners) runner.close();
  return totals.map((t) => ({
    eventsPerSecond: t.events / (t.ms / 1000),
    events: t.events,
    passes: t.passes,
    seconds: t.ms / 1000,
    produced: t.produced,
  }));
}

export async function runAmiIngestBench(): Promise<BenchFigure[]> {
  const text = readFileSync(TRACE, 'utf8');
  const chunked = (t: string) =>
    Array.from({ length: Math.ceil(t.length / CHUNK) }, (_, i) => t.slice(i * CHUNK, (i + 1) * CHUNK));
  const chunks = chunked(text);
  const expectedEvents = text.match(/^Event: /gm)?.length ?? 0;
  const trace = amiEventsOf(text);
  const reference = reduceAll(initialTrackerState(), trace, DEFAULT_TRACKER_CONFIG).events;
  const busy = amiCallsInProgress(CALLS_IN_PROGRESS, trace);
  const busyState = reduceAll(initialTrackerState(), amiEventsOf(busy), DEFAULT_TRACKER_CONFIG).state;
  const busyReference = reduceAll(busyState, trace, DEFAULT_TRACKER_CONFIG).events;

  const [baseline, production, busyProduction] = await measureInTurns(
    [
      managerRunner(chunks),
      providerRunner(chunks, expectedEvents, reference),
      providerRunner(chunks, expectedEvents, busyReference, chunked(busy)),
    ],
    expectedEvents,
  );
  const figures: BenchFigure[] = [];
  const add = (figure: string, m: Measured) => {
    const mem = process.memoryUsage();
    figures.push({
      figure,
      value: m.eventsPerSecond,
      unit: 'events/s',
      baseline: baseline!.eventsPerSecond,
      ratio: m.eventsPerSecond / baseline!.eventsPerSecond,
      events: m.events,
      passes: m.passes,
      seconds: m.seconds,
      telephonyEventsPerPass: m.produced,
      heapUsedBytes: mem.heapUsed,
      rssBytes: mem.rss,
    });
  };
  add('ami-ingest: asterisk-manager reader alone (baseline)', baseline!);
  add('ami-ingest: AMI provider (asterisk-manager socket → our frame parser → call tracker)', production!);
  add(
    `ami-ingest: the same AMI provider with ${CALLS_IN_PROGRESS.toLocaleString('en')} other calls in progress`,
    busyProduction!,
  );
  return figures;
}
