import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import pino from 'pino';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent, type Party } from '@telephony';
import { RedisStreamBus } from '@server/common/bus/redis-stream-bus';
import { createDatabase, type Database } from '@server/db/data-source';
import { startCallPipeline } from '@server/modules/calls/call-pipeline';
import { CallRecorderService } from '@server/modules/calls/call-recorder.service';
import { requireDatabaseUrl } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

const caller: Party = { raw: '89161234567', e164: '+79161234567', extension: null, name: null, anonymous: false };
const did: Party = { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false };

/** An answered queue call: created, two members ring, one answers, recording, end. */
function answeredCall(callId: string): CallEvent[] {
  const at = (s: number) => new Date(Date.parse('2026-05-01T09:00:00Z') + s * 1000).toISOString();
  const base = { callId, legId: callId, externalIds: { linkedid: `l-${callId}` }, direction: 'inbound' as const };
  const common = { ...base, from: caller, to: did, queue: 'support', source: 'ami' as const };
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

describe('CallRecorderService on real PostgreSQL', () => {
  let database: Database;
  let ds: DataSource;
  let recorder: CallRecorderService;
  let operatorId: string;

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    recorder = new CallRecorderService(ds);
    // Extension 1002 belongs to this suite's operator, so the call is attributed to a real user row.
    await ds.query(`UPDATE users SET extension = NULL WHERE extension = '1002'`);
    const [row] = await ds.query(
      `INSERT INTO users (login, password_hash, name, role, extension) VALUES ($1, 'x', 'Rec Op', 'operator', '1002')
       RETURNING id`,
      [`rec-op-${randomUUID().slice(0, 8)}`],
    );
    operatorId = row.id;
  });

  afterAll(async () => {
    await ds.query(`UPDATE users SET extension = NULL WHERE id = $1`, [operatorId]);
    await database.close();
  });

  const stored = async (callId: string) => {
    const [row] = await ds.query(`SELECT * FROM calls WHERE id = $1`, [callId]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM call_events WHERE call_id = $1`, [callId]);
    return { row, events: n as number };
  };

  it('stores the call record derived from its events and attributes it to the operator', async () => {
    const callId = randomUUID();
    for (const e of answeredCall(callId)) await recorder.record(e);
    const { row, events } = await stored(callId);
    expect(events).toBe(6);
    expect(row).toMatchObject({
      status: 'ended',
      direction: 'inbound',
      from_e164: '+79161234567',
      queue: 'support',
      agent_extension: '1002',
      operator_id: operatorId,
      wait_seconds: 7,
      talk_seconds: 60,
      disposition: 'answered',
      hangup_cause: 'normal-clearing',
    });
    expect(Number(row.last_seq)).toBe(6); // bigint comes back as text
  });

  it('reports a redelivered event as not applied and changes nothing', async () => {
    const callId = randomUUID();
    const events = answeredCall(callId);
    for (const e of events) await recorder.record(e);
    const before = await stored(callId);
    const again = await recorder.record(events[3]!);
    expect(again).toEqual({ applied: false, call: null });
    expect(await stored(callId)).toEqual(before);
  });

  it('converges to one correct row when events arrive reversed, twice, and concurrently', async () => {
    const callId = randomUUID();
    const events = answeredCall(callId);
    await Promise.all([...events].reverse().flatMap((e) => [recorder.record(e), recorder.record(e)]));
    const { row, events: n } = await stored(callId);
    expect(n).toBe(6);
    expect(row).toMatchObject({ status: 'ended', agent_extension: '1002', talk_seconds: 60, disposition: 'answered' });
    const [{ calls }] = await ds.query(`SELECT count(*)::int AS calls FROM calls WHERE id = $1`, [callId]);
    expect(calls).toBe(1);
  });

  it('two web nodes consuming one Redis Stream record each event exactly once', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    const logger = pino({ level: 'silent' });
    const stream = `test:recorder:${randomUUID()}`;
    const nodes = [0, 1].map(() => new RedisStreamBus({ redis, logger, stream, blockMs: 100 }));
    const applied: string[] = [];
    const handler = async ({ event }: { event: CallEvent | { type: string } }) => {
      const r = await recorder.record(event as CallEvent);
      if (r.applied) applied.push(`${(event as CallEvent).callId}:${(event as CallEvent).seq}`);
    };
    try {
      await nodes[0]!.subscribe('web', 'node-a', handler);
      await nodes[1]!.subscribe('web', 'node-b', handler);
      const calls = Array.from({ length: 10 }, () => answeredCall(randomUUID()));
      // The worker restarted mid-way and published every event twice.
      for (const e of [...calls.flat(), ...calls.flat()]) await nodes[0]!.publish(e);
      await waitFor(async () => applied.length >= 60, { what: '60 applied events', timeoutMs: 15_000, intervalMs: 50 });
      await new Promise((r) => setTimeout(r, 300));
      expect(applied).toHaveLength(60);
      expect(new Set(applied).size).toBe(60);
      const ids = calls.map((c) => c[0]!.callId);
      const rows: { disposition: string }[] = await ds.query(`SELECT disposition FROM calls WHERE id = ANY($1)`, [ids]);
      expect(rows.map((r) => r.disposition)).toEqual(Array(10).fill('answered'));
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
      await redis.quit();
    }
  });

  it('a second end (an adapter that closed the call again) is stored, changes nothing and reaches no reaction', async () => {
    const events = answeredCall(randomUUID());
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
    const pipeline = await startCallPipeline({
      dataSource: ds,
      logger: pino({ level: 'silent' }),
      provider: null,
      reactions: [async (event) => void reacted.push(`${event.type}:${event.seq}`)],
    });
    try {
      for (const e of [...events, again]) await pipeline.bus.publish(e);
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
      await pipeline.stop();
    }
  });
});
