import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Redis } from 'ioredis';
import pg from 'pg';

import { type CallEvent, type TelephonyEvent } from '@telephony';
import { DEFAULT_TRACKER_CONFIG, initialTrackerState, reduceAll } from '@telephony/ami/call-tracker';
import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { cpuShares, cpuSnapshot } from '@test/bench/cpu-share';
import { type Figure } from '@test/bench/figure';
import { suitePrefix, testLogger } from '@test/support/api-server';
import { startRedis } from '@test/support/services/redis';
import { waitFor } from '@test/support/services/ports';
import { amiEventsOf } from '@test/support/telephony/ami-test-events';

/** The partitions composeNode's bus uses by default (PIPELINE_PARTITIONS). */
const PARTITIONS = 16;

/**
 * The call pipeline alone: the events of a recorded Asterisk 22 queue call (four phones ring, one answers; copied
 * with fresh call ids and new callers, so every copy makes a lead, and each copy ringing one group of four of 400
 * operators) are consumed by 1, 2 and 3 web-node processes
 * (composeNode: decide, pop, write in batches, react, ack). The consumers first share out every partition; then the
 * clock starts, the events are published into the partitioned Redis stream and the clock stops when the last one is
 * acked. Figure: call events stored per second; pops emitted are counted against the ringing events.
 * Baseline, same run: the same call_events rows written by bare multi-row INSERTs of 500 (the database's own pace).
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const TRACE = path.join(HERE, '..', 'fixtures', 'ami', '22', 'queue-answered.txt');
const COPIES = 1000;
const PUBLISH_CHUNK = 500;
/**
 * A 400-seat centre: each copy rings the four operators of its group, so an operator's phone rings for ten calls in
 * a run, not for all thousand at once as four operators would.
 */
const OPERATOR_GROUPS = 100;
const EXTENSIONS = Array.from({ length: OPERATOR_GROUPS * 4 }, (_, i) => String(2000 + i));
const CONSUMERS = [1, 2, 3];
const PROFILE_DIR = process.env.ZVONOK_BENCH_CPU_PROF;

export async function runPipelineBench(databaseUrl: string): Promise<Figure[]> {
  const redis = await startRedis();
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redis.url });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const template = callEventsOf(readFileSync(TRACE, 'utf8'));
  // Operators behind the trace's extensions, so each ringing event pops a card for somebody.
  await db.query(`UPDATE users SET extension = NULL WHERE extension = ANY($1)`, [EXTENSIONS]);
  const prefixLogin = suitePrefix('bench-pipe');
  const { rows: operators } = await db.query<{ id: string }>(
    `INSERT INTO users (login, password_hash, name, role, extension)
     SELECT $1 || '-' || ext, 'x', 'Bench ' || ext, 'operator', ext FROM unnest($2::text[]) AS ext RETURNING id`,
    [prefixLogin, EXTENSIONS],
  );
  const figures: Figure[] = [];
  try {
    const baseline = await bareInserts(db, copies(template));
    let one = 0;
    for (const consumers of CONSUMERS) {
      const events = copies(template);
      const prefix = `bench-pipeline-${randomUUID()}`;
      const publisher = new RedisCallBus({ redis: client, logger: testLogger(), prefix });
      const ringing = events.filter((e) => e.type === 'call.ringing').length;
      const children = CONSUMERS.slice(0, consumers).map((_, i) =>
        fork(path.join(HERE, 'pipeline-consumer.ts'), [prefix, `${prefix}-${i}`], {
          // ZVONOK_BENCH_CPU_PROF=<dir>: each consumer writes a V8 CPU profile there (it found the card feed's bug).
          execArgv: ['--import', 'tsx', ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
      const ask = <T>(child: (typeof children)[number], request: object, key: string) =>
        new Promise<T>((resolve) => {
          const on = (m: Record<string, unknown>) => {
            if (key in m) {
              child.off('message', on);
              resolve(m[key] as T);
            }
          };
          child.on('message', on);
          child.send(request);
        });
      await Promise.all(children.map((c) => ask(c, {}, 'ready')));
      // Timed from a settled share-out, not from the processes' boot.
      await waitFor(
        async () =>
          (await Promise.all(children.map((c) => ask<number>(c, { owned: true }, 'owned')))).reduce((a, b) => a + b) ===
          PARTITIONS,
        { what: `${PARTITIONS} partitions shared by ${consumers} consumers`, timeoutMs: 60_000, intervalMs: 100 },
      );
      const pids = { consumers: children.map((c) => c.pid!) };
      const cpuBefore = cpuSnapshot(pids);
      const started = performance.now();
      // One connection keeps the order of each call's events; chunks keep the publisher off the critical path.
      for (let i = 0; i < events.length; i += PUBLISH_CHUNK) {
        await Promise.all(events.slice(i, i + PUBLISH_CHUNK).map((e) => publisher.publish(e)));
      }
      await waitFor(async () => (await publisher.lag()) === 0, {
        what: `${events.length} events acked by ${consumers} consumers`,
        timeoutMs: 600_000,
        intervalMs: 20,
      });
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuShares(cpuBefore, cpuSnapshot(pids));
      const pops = (await Promise.all(children.map((c) => ask<number>(c, { pops: true }, 'pops')))).reduce(
        (a, b) => a + b,
        0,
      );
      await Promise.all(
        children.map((c) => new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.send({ stop: true })))),
      );
      const rate = events.length / seconds;
      if (consumers === 1) one = rate;
      figures.push({
        figure: `pipeline: call events stored/s, ${consumers} consumer process${consumers > 1 ? 'es' : ''} (baseline: bare multi-row INSERT)`,
        value: rate,
        baseline: baseline.rate,
        unit: 'events/s',
        ratio: rate / baseline.rate,
        details: { events: events.length, seconds, pops, ringing, vsOneConsumer: rate / one, cpuSharePercent: cpu },
      });
      console.log(
        `[bench] pipeline ${consumers} consumer(s): ${Math.round(rate)} events/s, ${pops} pops for ${ringing} ringing events, ` +
          `${(rate / one).toFixed(2)}× one consumer; CPU share of the machine: consumers ${cpu.consumers} %, ` +
          `postgres ${cpu.postgres} %, redis ${cpu.redis} %, bench ${cpu.node} %, all processes ${cpu.machine} %`,
      );
      await cleanup(db, events);
    }
  } finally {
    await db.query('DELETE FROM call_pops WHERE user_id = ANY($1)', [operators.map((o) => o.id)]);
    await db.query('DELETE FROM users WHERE id = ANY($1)', [operators.map((o) => o.id)]);
    await db.end();
    await client.quit();
    await redis.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return figures;
}

/** The call events the AMI tracker makes of a recorded trace (the adapter's own pure reducer). */
function callEventsOf(text: string): CallEvent[] {
  const { events } = reduceAll(initialTrackerState(), amiEventsOf(text), DEFAULT_TRACKER_CONFIG);
  return events.filter((e: TelephonyEvent): e is CallEvent => 'callId' in e);
}

/** The trace's phone 100n (n = 1…4) in copy `copy`: the same phone of the copy's group of four operators. */
function extensionOf(copy: number, traced: string): string {
  return String(2000 + (copy % OPERATOR_GROUPS) * 4 + Number(traced.slice(-1)) - 1);
}

/**
 * COPIES copies of the trace's calls, each with a fresh call id and a fresh caller number, ringing the four phones
 * of one of OPERATOR_GROUPS groups.
 */
function copies(template: CallEvent[]): CallEvent[] {
  const out: CallEvent[] = [];
  for (let c = 0; c < COPIES; c++) {
    const ids = new Map<string, string>();
    const callers = new Map<string, string>();
    for (const e of template) {
      if (!ids.has(e.callId)) ids.set(e.callId, randomUUID());
      if (!callers.has(e.callId))
        callers.set(e.callId, `+7999${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
      const number = callers.get(e.callId)!;
      const from = e.direction === 'inbound' ? { ...e.from, raw: number, e164: number } : e.from;
      const agent = 'agentId' in e && e.agentId ? { agentId: extensionOf(c, e.agentId) } : {};
      out.push({ ...e, callId: ids.get(e.callId)!, from, ...agent } as CallEvent);
    }
  }
  return out;
}

/** The same call_events rows written by the database alone: multi-row INSERTs of 500 in one transaction each. */
async function bareInserts(db: pg.Client, events: CallEvent[]): Promise<{ rate: number }> {
  const started = performance.now();
  for (let i = 0; i < events.length; i += 500) {
    const batch = events.slice(i, i + 500);
    await db.query(
      `INSERT INTO call_events (call_id, seq, type, occurred_at, payload)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::jsonb[])
       ON CONFLICT DO NOTHING`,
      [
        batch.map((e) => e.callId),
        batch.map((e) => e.seq),
        batch.map((e) => e.type),
        batch.map((e) => e.occurredAt),
        batch.map((e) => JSON.stringify(e)),
      ],
    );
  }
  const rate = events.length / ((performance.now() - started) / 1000);
  await cleanup(db, events);
  return { rate };
}

async function cleanup(db: pg.Client, events: CallEvent[]): Promise<void> {
  const ids = [...new Set(events.map((e) => e.callId))];
  await db.query('DELETE FROM call_events WHERE call_id = ANY($1)', [ids]);
  await db.query('DELETE FROM calls WHERE id = ANY($1)', [ids]);
  await db.query(`DELETE FROM leads WHERE phone_e164 LIKE '+7999%' AND source_call_id = ANY($1)`, [ids]);
}
