import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type TelephonyEvent } from '@telephony';
import { type BusMessage } from '@server/common/bus/event-bus';
import { RedisStreamBus } from '@server/common/bus/redis-stream-bus';
import { waitFor } from '@test/support/services/ports';

const logger = pino({ level: 'silent' });
const party = { raw: '+79161234567', e164: '+79161234567', extension: null, name: null, anonymous: false };

function callEvent(callId: string, seq: number): TelephonyEvent {
  return {
    type: 'call.created',
    callId,
    legId: callId,
    externalIds: { linkedid: callId },
    seq,
    occurredAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    direction: 'inbound',
    from: party,
    to: party,
    source: 'ami',
  };
}

const until = (check: () => boolean) =>
  waitFor(async () => check(), { what: 'bus delivery', timeoutMs: 10_000, intervalMs: 20 });

describe('RedisStreamBus against real Redis', () => {
  let redis: Redis;
  const buses: RedisStreamBus[] = [];
  let stream: string;
  const bus = (claimIdleMs = 15_000) => {
    const b = new RedisStreamBus({ redis, logger, stream, claimIdleMs, blockMs: 100 });
    buses.push(b);
    return b;
  };

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await redis.quit();
  });
  let n = 0;
  // A fresh stream per test keeps the cases independent of order.
  const nextStream = () => `test:bus:${process.pid}:${Date.now()}:${++n}`;

  it('delivers each message to exactly one consumer of a group, all of them', async () => {
    stream = nextStream();
    const seen: Record<string, string[]> = { a: [], b: [] };
    const publisher = bus();
    await bus().subscribe('web', 'a', async (m) => void seen.a!.push(m.id));
    await bus().subscribe('web', 'b', async (m) => void seen.b!.push(m.id));
    for (let i = 1; i <= 200; i++) await publisher.publish(callEvent('c1', i));
    await until(() => seen.a!.length + seen.b!.length === 200);
    const all = [...seen.a!, ...seen.b!];
    expect(new Set(all).size).toBe(200);
    expect(all).toContain('c1:1');
    expect(all).toContain('c1:200');
  });

  it('handles different calls side by side, each call in order: a slow call holds up no other', async () => {
    stream = nextStream();
    const publisher = bus();
    // Published before the consumer starts, so one read returns both calls in one batch.
    for (let seq = 1; seq <= 5; seq++) {
      await publisher.publish(callEvent('slow', seq));
      await publisher.publish(callEvent('fast', seq));
    }
    const order: string[] = [];
    await bus().subscribe('web', 'a', async (m) => {
      if (m.id.startsWith('slow:')) await new Promise((r) => setTimeout(r, 100));
      order.push(m.id);
    });
    await until(() => order.length === 10);
    const of = (call: string) => order.filter((id) => id.startsWith(`${call}:`));
    expect(of('slow')).toEqual([1, 2, 3, 4, 5].map((i) => `slow:${i}`));
    expect(of('fast')).toEqual([1, 2, 3, 4, 5].map((i) => `fast:${i}`));
    // One at a time, 'fast' would wait behind each slow event; side by side it is done before the first one.
    expect(order.indexOf('fast:5')).toBeLessThan(order.indexOf('slow:1'));
  });

  it('retries a failing handler until it succeeds (database down), losing nothing', async () => {
    stream = nextStream();
    let failuresLeft = 3;
    const done: BusMessage[] = [];
    await bus().subscribe('web', 'a', async (m) => {
      if (failuresLeft-- > 0) throw new Error('database unavailable');
      done.push(m);
    });
    await bus().publish(callEvent('c2', 1));
    await until(() => done.length === 1);
    expect(done[0]!.id).toBe('c2:1');
    const pending = (await redis.xpending(stream, 'web')) as [number];
    expect(pending[0]).toBe(0);
  });

  it("takes over a dead consumer's pending messages", async () => {
    stream = nextStream();
    const publisher = bus();
    // Consumer "dead" reads the message and never acknowledges it, as a node killed mid-handler would.
    await redis.xgroup('CREATE', stream, 'web', '0', 'MKSTREAM');
    await publisher.publish(callEvent('c3', 1));
    await redis.xreadgroup('GROUP', 'web', 'dead', 'COUNT', 10, 'STREAMS', stream, '>');
    const got: string[] = [];
    await bus(200).subscribe('web', 'alive', async (m) => void got.push(m.id));
    await until(() => got.length === 1);
    expect(got).toEqual(['c3:1']);
  });

  it('drops a malformed entry with a log line and keeps consuming', async () => {
    stream = nextStream();
    const got: string[] = [];
    await redis.xadd(stream, '*', 'id', 'x', 'event', '{not json');
    await redis.xadd(stream, '*', 'garbage', 'only');
    await bus().subscribe('web', 'a', async (m) => void got.push(m.id));
    await bus().publish(callEvent('c4', 7));
    await until(() => got.length === 1);
    expect(got).toEqual(['c4:7']);
  });

  it('a late group still sees retained history', async () => {
    stream = nextStream();
    await bus().publish(callEvent('c5', 1));
    const got: string[] = [];
    await bus().subscribe('late', 'a', async (m) => void got.push(m.id));
    await until(() => got.length === 1);
    expect(got).toEqual(['c5:1']);
  });
});
