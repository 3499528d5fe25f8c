import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Manager from 'asterisk-manager';

import { createAmiFrameParser } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame, messageFromManager, type AmiEvent } from '@telephony/ami/ami-message';
import { DEFAULT_TRACKER_CONFIG, initialTrackerState, reduceAmiEvent } from '@telephony/ami/call-tracker';

/**
 * AMI ingest throughput on a recorded Asterisk 22 trace (100 concurrent calls), replayed in socket-sized chunks
 * with one macrotask per chunk, as a real socket delivers it:
 * - baseline: asterisk-manager's own reader alone (the library we sit on), counting `managerevent`;
 * - ours via asterisk-manager: its reader → messageFromManager → reduceAmiEvent (the production path);
 * - ours via our parser: createAmiFrameParser (what parseAmiText runs) → messageFromFrame → reduceAmiEvent.
 * Each replay starts from a fresh tracker state: replaying into an old state would hit the ended-call memory
 * and skip most of the work.
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
  /** Telephony events the tracker produced per replay (0 for the baseline); equal on both paths. */
  telephonyEventsPerPass: number;
  heapUsedBytes: number;
  rssBytes: number;
}

const TRACE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ami', '22', 'load-100.txt');
// A local TCP read rarely exceeds 64 KiB.
const CHUNK = 64 * 1024;
const WARMUP_S = 0.4;
const MEASURE_S = 2.5;

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

interface PassRunner {
  /** Replays the trace once; resolves with the number of AMI events seen and telephony events produced. */
  pass(): Promise<{ events: number; produced: number }>;
  close(): void;
}

/** Stands in for the net.Socket asterisk-manager creates, so its real `data` handler runs without a network. */
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
  write(): boolean {
    return true;
  }
  end(): this {
    this.readyState = 'closed';
    return this;
  }
}

function attachManager(): { manager: Manager.ManagerInstance; socket: FakeSocket } {
  const socket = new FakeSocket();
  const original = net.createConnection;
  // asterisk-manager looks `createConnection` up on the shared `net` module at connect time.
  net.createConnection = (() => socket) as unknown as typeof net.createConnection;
  try {
    const manager = Manager(undefined, '127.0.0.1', 'bench', 'bench', true);
    manager.connect(5038, '127.0.0.1');
    return { manager, socket };
  } finally {
    net.createConnection = original;
  }
}

function managerRunner(chunks: readonly string[], withTracker: boolean): PassRunner {
  const { manager, socket } = attachManager();
  let events = 0;
  let produced = 0;
  let state = initialTrackerState();
  manager.on('managerevent', (raw: Manager.ManagerEvent) => {
    events++;
    if (!withTracker) return;
    const res = reduceAmiEvent(state, messageFromManager(raw) as AmiEvent, DEFAULT_TRACKER_CONFIG);
    state = res.state;
    produced += res.events.length;
  });
  return {
    async pass() {
      events = 0;
      produced = 0;
      state = initialTrackerState();
      for (const chunk of chunks) {
        socket.emit('data', chunk);
        // Its reader emits through two process.nextTick hops; a macrotask drains them like a real socket read.
        await nextMacrotask();
      }
      return { events, produced };
    },
    close() {
      manager.disconnect();
    },
  };
}

function ownParserRunner(chunks: readonly string[]): PassRunner {
  return {
    async pass() {
      const parser = createAmiFrameParser();
      let state = initialTrackerState();
      let events = 0;
      let produced = 0;
      const consume = (frames: ReturnType<typeof parser.push>['frames']) => {
        for (const frame of frames) {
          const msg = messageFromFrame(frame);
          if (msg.event === undefined) continue;
          events++;
          const res = reduceAmiEvent(state, msg as AmiEvent, DEFAULT_TRACKER_CONFIG);
          state = res.state;
          produced += res.events.length;
        }
      };
      for (const chunk of chunks) {
        consume(parser.push(chunk).frames);
        await nextMacrotask();
      }
      consume(parser.end().frames);
      return { events, produced };
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

async function measure(runner: PassRunner, expectedEvents: number): Promise<Measured> {
  const check = (r: { events: number }) => {
    if (r.events !== expectedEvents) throw new Error(`replay saw ${r.events} events, trace has ${expectedEvents}`);
  };
  const warmEnd = performance.now() + WARMUP_S * 1000;
  while (performance.now() < warmEnd) check(await runner.pass());
  let events = 0;
  let passes = 0;
  let produced = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_S * 1000) {
    const r = await runner.pass();
    check(r);
    events += r.events;
    produced = r.produced;
    passes++;
    elapsed = performance.now() - start;
  }
  runner.close();
  const seconds = elapsed / 1000;
  return { eventsPerSecond: events / seconds, events, passes, seconds, produced };
}

export async function runAmiIngestBench(): Promise<BenchFigure[]> {
  const text = readFileSync(TRACE, 'utf8');
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
  const expectedEvents = text.match(/^Event: /gm)?.length ?? 0;

  const baseline = await measure(managerRunner(chunks, false), expectedEvents);
  const figures: BenchFigure[] = [];
  const add = (figure: string, m: Measured) => {
    const mem = process.memoryUsage();
    figures.push({
      figure,
      value: m.eventsPerSecond,
      unit: 'events/s',
      baseline: baseline.eventsPerSecond,
      ratio: m.eventsPerSecond / baseline.eventsPerSecond,
      events: m.events,
      passes: m.passes,
      seconds: m.seconds,
      telephonyEventsPerPass: m.produced,
      heapUsedBytes: mem.heapUsed,
      rssBytes: mem.rss,
    });
  };
  add('ami-ingest: asterisk-manager parser only (baseline)', baseline);
  const viaManager = await measure(managerRunner(chunks, true), expectedEvents);
  add('ami-ingest: asterisk-manager → messageFromManager → reduceAmiEvent', viaManager);
  const viaOwn = await measure(ownParserRunner(chunks), expectedEvents);
  add('ami-ingest: createAmiFrameParser → messageFromFrame → reduceAmiEvent', viaOwn);
  if (viaManager.produced !== viaOwn.produced) {
    throw new Error(`paths disagree: ${viaManager.produced} vs ${viaOwn.produced} telephony events per replay`);
  }
  return figures;
}
