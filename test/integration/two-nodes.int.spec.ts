import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent } from '@telephony';
import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { createUser, deleteUsers, suitePrefix, type SeededUser } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { inboundCall, party, randomRuNumber } from '@test/support/synthetic-calls';
import { connectOperator, type Received, type WebNode, startWebNode } from '@test/support/web-node';

// Two (three) web nodes and one telephony worker on one Redis, in one process: each node has its own http server,
// Socket.IO server (redis-streams adapter), database pool and partitions of the call stream, composed by
// composeNode as main.ts does. The worker is the publishing half of the bus, as the adapter process uses it.

describe('two web nodes + one worker on one Redis', () => {
  let a: WebNode;
  let b: WebNode;
  let c: WebNode;
  let workerRedis: Redis;
  let worker: RedisCallBus;
  let operator: SeededUser;
  let supervisor: SeededUser;
  let onB: Received[];
  let supOnC: Received[];
  const closers: (() => void)[] = [];
  const extension = `5${Math.floor(100 + Math.random() * 900)}`;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    const nodes = await Promise.all(['A', 'B', 'C'].map((name) => startWebNode({ name, redis: true })));
    [a, b, c] = nodes as [WebNode, WebNode, WebNode];
    const prefix = suitePrefix('nodes');
    operator = await createUser(b.dataSource, `${prefix}-op`, 'operator', extension);
    supervisor = await createUser(b.dataSource, `${prefix}-sup`, 'supervisor');
    const op = await connectOperator(b.baseUrl, operator.login);
    const sup = await connectOperator(c.baseUrl, supervisor.login);
    closers.push(
      () => op.socket.close(),
      () => sup.socket.close(),
    );
    onB = op.received;
    supOnC = sup.received;
    workerRedis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    worker = new RedisCallBus({ redis: workerRedis, logger });
  });
  afterAll(async () => {
    for (const close of closers) close();
    await deleteUsers(b.dataSource, [operator.id, supervisor.id]);
    await Promise.all([a, b, c].map((n) => n?.close()));
    await worker?.close();
    await workerRedis?.quit();
  });

  const publish = async (bus: RedisCallBus, ...events: CallEvent[]) => {
    for (const e of events) await bus.publish(e);
  };
  const pops = (callId: string) => onB.filter((r) => r.event === 'call:ringing' && r.payload.call.id === callId);
  const cleanup = async (callIds: string[], number?: string) => {
    await b.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    if (number) await b.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  };

  it('an operator connected to node B gets the pops of every call the worker ingested, once each', async () => {
    const calls = Array.from({ length: 10 }, () => inboundCall(party(randomRuNumber(), null)));
    for (const call of calls) await publish(worker, call.created(), call.ringing(extension));
    await waitFor(async () => calls.every((call) => pops(call.callId).length > 0), {
      what: '10 pops on node B',
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.map((call) => pops(call.callId).length)).toEqual(calls.map(() => 1));
    // Work was spread: node B's own consumer did not record all of them (other nodes' emits reached B's socket).
    const handled = await b.dataSource.query(
      `SELECT count(DISTINCT call_id)::int AS n FROM call_events WHERE call_id = ANY($1)`,
      [calls.map((call) => call.callId)],
    );
    expect(handled[0].n).toBe(10);
    await cleanup(calls.map((call) => call.callId));
  });

  it('20 simultaneous calls from one new number, spread over three nodes → one lead, one "new lead" pop', async () => {
    const number = randomRuNumber();
    const calls = Array.from({ length: 20 }, () => inboundCall(party(number, number)));
    await Promise.all(calls.map((call) => publish(worker, call.created(), call.ringing(extension))));
    await waitFor(async () => calls.every((call) => pops(call.callId).length > 0), {
      what: '20 pops',
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const cards = calls.map((call) => pops(call.callId)[0]!.payload.card);
    expect(new Set(cards.map((card) => card.lead.id)).size).toBe(1);
    expect(cards.filter((card) => card.lead.createdByThisCall)).toHaveLength(1);
    const [{ n }] = await b.dataSource.query('SELECT count(*)::int AS n FROM leads WHERE phone_e164 = $1', [number]);
    expect(n).toBe(1);
    const links = async () =>
      (
        await b.dataSource.query(
          'SELECT count(*)::int AS linked, count(*) FILTER (WHERE lead_created)::int AS creators FROM calls WHERE id = ANY($1)',
          [calls.map((call) => call.callId)],
        )
      )[0];
    // Pops go out as soon as an event is decided; the call rows follow in the owners' next batched write.
    await waitFor(async () => (await links()).linked === 20, { what: '20 call rows', timeoutMs: 10_000 }).catch(
      () => undefined,
    );
    expect(await links()).toEqual({ linked: 20, creators: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(supOnC.filter((r) => r.event === 'lead:created' && r.payload.lead.phoneE164 === number)).toHaveLength(1);
    await cleanup(
      calls.map((call) => call.callId),
      number,
    );
  });

  it('a worker that publishes the same events twice (a retry after a lost reply) duplicates nothing', async () => {
    const number = randomRuNumber();
    const call = inboundCall(party(number, number));
    const created = call.created();
    const ringing = call.ringing(extension);
    await publish(worker, created, ringing);
    await waitFor(async () => pops(call.callId).length > 0, { what: 'pop', timeoutMs: 10_000, intervalMs: 50 });
    const restartedRedis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const restarted = new RedisCallBus({ redis: restartedRedis, logger });
    try {
      // The same callId and seq again, then the rest of the call; a restarted adapter process is proven on the
      // real Asterisk in ami-provider-live-restart.int.spec.ts.
      await publish(restarted, created, ringing, call.answered(extension), call.ended(true));
      await waitFor(async () => onB.some((r) => r.event === 'call:ended' && r.payload.call.id === call.callId), {
        what: 'ended',
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    } finally {
      await restarted.close();
      await restartedRedis.quit();
    }
    await new Promise((r) => setTimeout(r, 300));
    const seen = onB.filter((r) => (r.payload.call?.id ?? r.payload.callId) === call.callId).map((r) => r.event);
    // One node decides every event of the call, in order: the screen sees each step once, in call order.
    expect(seen).toEqual(['call:ringing', 'call:answered', 'call:ended']);
    const ended = onB.find((r) => r.event === 'call:ended' && r.payload.call.id === call.callId)!;
    expect(ended.payload).toMatchObject({ disposition: 'answered', call: { agentExtension: extension } });
    const [{ n }] = await b.dataSource.query('SELECT count(*)::int AS n FROM call_events WHERE call_id = $1', [
      call.callId,
    ]);
    expect(n).toBe(4);
    await cleanup([call.callId], number);
  });

  it('closing node A mid-stream loses no event: its calls move to the others, ringing ones are not popped again', async () => {
    const calls = Array.from({ length: 12 }, () => inboundCall(party(randomRuNumber(), null)));
    for (const call of calls.slice(0, 6)) await publish(worker, call.created(), call.ringing(extension));
    await waitFor(async () => calls.slice(0, 6).every((call) => pops(call.callId).length > 0), {
      what: 'the first 6 pops',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    // Node A gives its partitions up (what it holds is stored and acked first); B and C take them over and read
    // the calls A had from the store, so the answers of calls that rang under A are told, and nobody is popped twice.
    const closing = a.close();
    for (const call of calls.slice(0, 6)) await publish(worker, call.answered(extension));
    for (const call of calls.slice(6)) await publish(worker, call.created(), call.ringing(extension));
    await closing;
    await waitFor(
      async () =>
        calls.every((call) => pops(call.callId).length > 0) &&
        calls
          .slice(0, 6)
          .every((call) => onB.some((r) => r.event === 'call:answered' && r.payload.call.id === call.callId)),
      { what: '12 pops and 6 answers on node B after node A closed', timeoutMs: 20_000, intervalMs: 100 },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.map((call) => pops(call.callId).length)).toEqual(calls.map(() => 1));
    await cleanup(calls.map((call) => call.callId));
  });
});
