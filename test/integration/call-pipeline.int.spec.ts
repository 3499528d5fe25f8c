import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type CallEvent, type Party } from '@telephony';
import { callIdFor } from '@telephony/ami/call-tracker';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { partitionOf } from '@server/common/bus/call-event-bus';
import { type CallReaction } from '@server/common/calls/call-change';
import { projectCall } from '@server/common/calls/call-projection';
import { createDatabase, type Database } from '@server/db/data-source';
import { requireDatabaseUrl, startTestNode, type TestApp } from '@test/support/api-server';
import { startBarePipeline } from '@test/support/pipeline';
import { waitFor } from '@test/support/services/ports';

// The PBX side is a trace recorded from the real Asterisk 22, replayed by the AMI surrogate so the pipeline's
// database and bus behaviour is checked deterministically; the live PBX path is covered by the provider tests.
const trace = readFileSync(new URL('../fixtures/ami/22/queue-answered.txt', import.meta.url), 'utf8').replace(
  /^Asterisk Call Manager\/[^\n]*\n/,
  '',
);
const linkedid = /\r?\nLinkedid: (\S+)/.exec(trace)![1]!;
const traceCallId = callIdFor(linkedid);

const caller: Party = { raw: '89161234567', e164: '+79161234567', extension: null, name: null, anonymous: false };
const did: Party = { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false };

/** An answered queue call: created, two members ring, one answers, recording, end. */
function answeredCall(callId: string, from: Party = caller): CallEvent[] {
  const at = (s: number) => new Date(Date.parse('2026-05-01T09:00:00Z') + s * 1000).toISOString();
  const common = {
    callId,
    legId: callId,
    externalIds: { linkedid: `l-${callId}` },
    direction: 'inbound' as const,
    from,
    to: did,
    queue: 'support',
    source: 'ami' as const,
  };
  return [
    { ...common, type: 'call.created', seq: 1, occurredAt: at(0) },
    { ...common, type: 'call.ringing', seq: 2, occurredAt: at(1), agentId: '1001' },
    { ...common, type: 'call.ringing', seq: 3, occurredAt: at(1), agentId: '1002' },
    { ...common, type: 'call.answered', seq: 4, occurredAt: at(7), agentId: '1002', waitSeconds: 7 },
    { ...common, type: 'recording.ready', seq: 5, occurredAt: at(67), file: '/var/spool/asterisk/monitor/a.wav' },
    {
      ...common,
      type: 'call.ended',
      seq: 6,
      occurredAt: at(67),
      cause: 'normal-clearing',
      answered: true,
      abandoned: false,
      waitSeconds: 7,
      talkSeconds: 60,
    },
  ];
}

const COLUMNS = `status, direction, from_e164, queue, agent_extension, answered_at, ended_at, wait_seconds, talk_seconds,
  hold_seconds, disposition, hangup_cause, last_seq::text, closed_from_cdr`;

describe('call pipeline: AMI adapter → bus → calls table (recorded trace, real Postgres and Redis)', () => {
  let database: Database;
  let ami: AmiSurrogateServer;
  let node: TestApp | undefined;
  let redis: Redis | undefined;

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    await database.dataSource.initialize();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    ami = new AmiSurrogateServer();
    ami.channels = [];
    ami.queueMembers = [];
    await ami.listen();
    await database.dataSource.query('DELETE FROM call_events WHERE call_id = $1', [traceCallId]);
    await database.dataSource.query('DELETE FROM calls WHERE id = $1', [traceCallId]);
  });
  afterEach(async () => {
    await node?.close();
    node = undefined;
    await redis?.quit();
    redis = undefined;
    await ami.close();
  });

  /** A node whose adapter is the configured AMI provider (createProvider), pointed at the surrogate. */
  const start = async (withRedis: boolean, prefix = `pipeline-${randomUUID()}`) => {
    if (withRedis) redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    node = await startTestNode(
      {
        telephony: {
          provider: 'ami',
          ami: { host: '127.0.0.1', port: ami.port, user: 'zvonok', secret: 'zvonok-secret' },
          drachtio: { host: '127.0.0.1', port: 9022, secret: undefined },
        },
      },
      { database, provider: undefined, redis: redis ?? null, bus: { prefix } },
    );
    const provider = node.node.provider;
    await waitFor(async () => provider?.isUp() === true, { what: 'AMI provider up', timeoutMs: 5_000, intervalMs: 20 });
    return prefix;
  };

  const endedCall = async () => {
    let row: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        [row] = await database.dataSource.query(`SELECT * FROM calls WHERE id = $1 AND status = 'ended'`, [
          traceCallId,
        ]);
        return row !== undefined;
      },
      { what: 'the call recorded as ended', timeoutMs: 15_000, intervalMs: 50 },
    );
    return row!;
  };

  it.each([
    ['the in-process bus', false],
    ['a Redis Stream', true],
  ])('records the answered queue call through %s', async (_name, withRedis) => {
    await start(withRedis);
    ami.broadcast(trace);
    const row = await endedCall();
    expect(row).toMatchObject({
      source: 'ami',
      direction: 'inbound',
      linkedid,
      queue: 'support',
      agent_extension: '1001',
      disposition: 'answered',
      hangup_cause: 'normal-clearing',
    });
    expect(row.talk_seconds).toBeGreaterThan(0);
    const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM call_events WHERE call_id = $1', [
      traceCallId,
    ]);
    expect(n).toBe(Number(row.last_seq)); // bigint comes back as text
  });

  it('replaying the same trace again (a restarted adapter and node) duplicates nothing', async () => {
    const prefix = await start(true);
    ami.broadcast(trace);
    const first = await endedCall();
    await node!.close();
    node = undefined;
    await redis!.quit();
    redis = undefined;
    await start(true, prefix);
    ami.broadcast(trace);
    await new Promise((r) => setTimeout(r, 1500));
    const [again] = await database.dataSource.query('SELECT * FROM calls WHERE id = $1', [traceCallId]);
    expect(again.last_seq).toBe(first.last_seq);
    expect(again.updated_at).toEqual(first.updated_at);
    const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM calls WHERE linkedid = $1', [
      linkedid,
    ]);
    expect(n).toBe(1);
  });
});

describe('call pipeline: decisions, order and exactly-once (real Postgres)', () => {
  let database: Database;
  const callIds: string[] = [];

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    await database.dataSource.initialize();
  });
  afterAll(async () => {
    await database.dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
    await database.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    await database.dataSource.query(
      `DELETE FROM leads WHERE phone_e164 = '+79161234567' AND source_call_id = ANY($1)`,
      [callIds],
    );
    await database.close();
  });

  const stored = async (callId: string) => {
    const [row] = await database.dataSource.query(`SELECT ${COLUMNS} FROM calls WHERE id = $1`, [callId]);
    const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM call_events WHERE call_id = $1', [
      callId,
    ]);
    return { row, events: n as number };
  };
  /** The record as the projection of every event, in the `calls` row's own column format (read back from it). */
  const expectedRow = async (events: CallEvent[]) => {
    const call = projectCall(events)!;
    const [row] = await database.dataSource.query(
      `SELECT $1::text AS status, $2::text AS direction, $3::text AS from_e164, $4::text AS queue,
              $5::text AS agent_extension, $6::timestamptz AS answered_at, $7::timestamptz AS ended_at,
              $8::int AS wait_seconds, $9::int AS talk_seconds, $10::int AS hold_seconds, $11::text AS disposition,
              $12::text AS hangup_cause, $13::bigint::text AS last_seq, $14::bool AS closed_from_cdr`,
      [
        call.status,
        call.direction,
        call.fromE164,
        call.queue,
        call.agentExtension,
        call.answeredAt,
        call.endedAt,
        call.waitSeconds,
        call.talkSeconds,
        call.holdSeconds,
        call.disposition,
        call.hangupCause,
        call.lastSeq,
        call.closedFromCdr,
      ],
    );
    return row;
  };

  it('any arrival order, with any duplicates, stores the record the projection of all events gives', async () => {
    const template = answeredCall('template');
    const seen: string[] = [];
    const bare = await startBarePipeline(database.dataSource, [
      async ({ event }) => void seen.push(`${event.callId}:${event.seq}`),
    ]);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.shuffledSubarray(template, { minLength: template.length }),
          fc.array(fc.nat(template.length - 1), { maxLength: 6 }),
          async (shuffled, dupes) => {
            const callId = randomUUID();
            callIds.push(callId);
            const events = template.map((e) => ({ ...e, callId }));
            const arrival = [...shuffled, ...dupes.map((i) => template[i]!)].map((e) => ({ ...e, callId }));
            await bare.publish(...arrival);
            await waitFor(async () => seen.filter((s) => s.startsWith(callId)).length === events.length, {
              what: 'every event stored once',
              timeoutMs: 5_000,
              intervalMs: 10,
            });
            const { row, events: n } = await stored(callId);
            expect(n).toBe(events.length);
            expect(row).toEqual(await expectedRow(events));
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await bare.stop();
    }
  });

  it('a second end (an adapter that closed the call again) is stored, changes nothing and reaches no reaction', async () => {
    const events = answeredCall(randomUUID());
    callIds.push(events[0]!.callId);
    const ended = events.at(-1) as Extract<CallEvent, { type: 'call.ended' }>;
    const again: CallEvent = {
      ...ended,
      seq: 1_795_000_000_001,
      occurredAt: new Date(Date.parse(ended.occurredAt) + 40_000).toISOString(),
      cause: 'failed',
      rawCause: 'RESYNC_NO_CDR',
      talkSeconds: 100,
    };
    const reacted: string[] = [];
    const bare = await startBarePipeline(database.dataSource, [
      async ({ event }) => void reacted.push(`${event.type}:${event.seq}`),
    ]);
    try {
      await bare.publish(...events, again);
      await waitFor(async () => (await stored(ended.callId)).events === 7, {
        what: 'all 7 events stored',
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(reacted.filter((r) => r.startsWith('call.ended'))).toEqual([`call.ended:${ended.seq}`]);
      const { row } = await stored(ended.callId);
      expect(row).toMatchObject({ hangup_cause: 'normal-clearing', talk_seconds: 60, disposition: 'answered' });
    } finally {
      await bare.stop();
    }
  });

  it('three consumers on one Redis: each event stored and reacted to once, in call order, every call complete', async () => {
    const prefix = `pipeline-${randomUUID()}`;
    const reacted: { node: number; callId: string; seq: number }[] = [];
    const clients: Redis[] = [];
    const nodes: TestApp[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
        clients.push(redis);
        const reaction: CallReaction = async ({ event }) =>
          void reacted.push({ node: i, callId: event.callId, seq: event.seq });
        nodes.push(
          await startTestNode({}, { database, redis, bus: { prefix, heartbeatMs: 200 }, extraReactions: [reaction] }),
        );
      }
      // The share-out settles once every partition has one owner and nothing moves for a few heartbeats.
      let last = '';
      let stableFor = 0;
      await waitFor(
        async () => {
          const owned = nodes.map((n) => n.node.bus.owned());
          const now = JSON.stringify(owned);
          const settled =
            owned.every((o) => o.length > 0) && new Set(owned.flat()).size === 16 && owned.flat().length === 16;
          stableFor = settled && now === last ? stableFor + 1 : 0;
          last = now;
          return stableFor >= 3;
        },
        { what: 'partitions spread over three nodes', timeoutMs: 15_000, intervalMs: 300 },
      );
      // Ten calls on each node's partitions, so that sharing is the pipeline's doing and not the dice's.
      const owned = nodes.map((n) => n.node.bus.owned());
      const ids = owned.flatMap((mine) => {
        const out: string[] = [];
        while (out.length < 10) {
          const id = randomUUID();
          if (mine.includes(partitionOf(id, 16))) out.push(id);
        }
        return out;
      });
      // Without the recording: this is about the pipeline, not about waiting for files that never appear.
      const calls = ids.map((id) =>
        answeredCall(id, { ...caller, raw: `+7916${rand7()}` }).filter((e) => e.type !== 'recording.ready'),
      );
      callIds.push(...calls.map((c) => c[0]!.callId));
      // The adapter restarted mid-way and published every event twice.
      const publisher = nodes[0]!.node.bus;
      for (const e of [...calls.flat(), ...calls.flat()]) await publisher.publish(e);
      await waitFor(async () => reacted.length >= 150, { what: '150 reactions', timeoutMs: 20_000, intervalMs: 50 });
      await new Promise((r) => setTimeout(r, 300));
      expect(reacted).toHaveLength(150);
      for (const call of calls) {
        const mine = reacted.filter((r) => r.callId === call[0]!.callId);
        expect(mine.map((r) => r.seq)).toEqual([1, 2, 3, 4, 6]);
        expect(new Set(mine.map((r) => r.node)).size).toBe(1); // one owner per call
      }
      expect(new Set(reacted.map((r) => r.node)).size).toBe(3); // and the work was shared
      const rows: { disposition: string }[] = await database.dataSource.query(
        `SELECT disposition FROM calls WHERE id = ANY($1)`,
        [calls.map((c) => c[0]!.callId)],
      );
      expect(rows.map((r) => r.disposition)).toEqual(Array(30).fill('answered'));
    } finally {
      for (const n of nodes) await n.close();
      for (const c of clients) await c.quit();
      await database.dataSource.query(`DELETE FROM leads WHERE source_call_id = ANY($1)`, [callIds]);
    }
  });
});

const rand7 = () => String(Math.floor(1_000_000 + Math.random() * 8_999_999));
