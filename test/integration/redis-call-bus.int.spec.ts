import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent } from '@telephony';
import { type Delivery, partitionOf } from '@server/common/bus/call-event-bus';
import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { testLogger } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

const party = { raw: '+79161234567', e164: '+79161234567', extension: null, name: null, anonymous: false };

function callEvent(callId: string, seq: number): CallEvent {
  return {
    type: seq === 1 ? 'call.created' : 'call.bridged',
    callId,
    legId: callId,
    externalIds: { linkedid: callId },
    seq,
    occurredAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    direction: 'inbound',
    from: party,
    to: party,
    source: 'ami',
  } as CallEvent;
}

/** A consumer that records what it got and acks at once (or holds on, when `hold` is set). */
class Consumer {
  readonly got: Delivery[] = [];
  hold = false;
  deliver(d: Delivery): void {
    this.got.push(d);
    if (!this.hold) d.ack();
  }
  async release(partition: number): Promise<void> {
    for (const d of this.got) if (d.partition === partition) d.ack();
  }
  seen(): string[] {
    return this.got.map((d) => `${d.event.callId}:${d.event.seq}`);
  }
}

describe('RedisCallBus: partitions of call events, one owner each (real Redis)', () => {
  let redis: Redis;
  const buses: RedisCallBus[] = [];
  let prefix: string;
  const bus = (nodeId: string) => {
    const b = new RedisCallBus({ redis, logger: testLogger(), prefix, nodeId, heartbeatMs: 100, leaseMs: 2000 });
    buses.push(b);
    return b;
  };
  const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) =>
    waitFor(async () => check(), { what, timeoutMs, intervalMs: 20 });

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await redis.quit();
  });
  const fresh = () => (prefix = `test-bus-${randomUUID()}`);

  it('three nodes share the 16 partitions, each owned by exactly one, and each event reaches its owner once, in order', async () => {
    fresh();
    const consumers = [new Consumer(), new Consumer(), new Consumer()];
    const nodes = ['a', 'b', 'c'].map(bus);
    for (const [i, n] of nodes.entries()) await n.consume(consumers[i]!);
    await until('every partition owned once', () => {
      const owned = nodes.flatMap((n) => n.owned());
      return owned.length === 16 && new Set(owned).size === 16 && nodes.every((n) => n.owned().length > 0);
    });
    const calls = Array.from({ length: 40 }, () => randomUUID());
    for (let seq = 1; seq <= 5; seq++) for (const id of calls) await nodes[0]!.publish(callEvent(id, seq));
    await until('200 deliveries', () => consumers.reduce((n, c) => n + c.got.length, 0) >= 200);
    await new Promise((r) => setTimeout(r, 200));
    expect(consumers.reduce((n, c) => n + c.got.length, 0)).toBe(200);
    for (const id of calls) {
      const owners = consumers.filter((c) => c.got.some((d) => d.event.callId === id));
      expect(owners).toHaveLength(1);
      const node = nodes[consumers.indexOf(owners[0]!)]!;
      expect(node.owned()).toContain(partitionOf(id, 16));
      expect(owners[0]!.got.filter((d) => d.event.callId === id).map((d) => d.event.seq)).toEqual([1, 2, 3, 4, 5]);
    }
    expect(await nodes[0]!.lag()).toBe(0);
  });

  it('a node that joins gets partitions only after their owner handed over what it held: nothing lost or doubled', async () => {
    fresh();
    const first = new Consumer();
    const a = bus('a');
    await a.consume(first);
    await until('a owns all', () => a.owned().length === 16);
    first.hold = true; // a is busy: what it has in hand is acked only when it hands the partition over
    const calls = Array.from({ length: 20 }, () => randomUUID());
    for (const id of calls) await a.publish(callEvent(id, 1));
    await until('a got 20', () => first.got.length === 20);
    expect(await a.lag()).toBe(20);
    const second = new Consumer();
    const b = bus('b');
    await b.consume(second);
    await until('b took its share', () => b.owned().length > 0 && a.owned().length + b.owned().length === 16);
    for (const id of calls) await a.publish(callEvent(id, 2));
    await until('40 deliveries', () => first.got.length + second.got.length >= 40);
    await new Promise((r) => setTimeout(r, 200));
    const all = [...first.seen(), ...second.seen()];
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    for (const id of calls) {
      // Both events of a call went to one node: the partition moved between them, never in the middle.
      const holders = [first, second].filter((c) => c.got.some((d) => d.event.callId === id && d.event.seq === 2));
      expect(holders).toHaveLength(1);
    }
  });

  it('a node killed with events in hand: its leases lapse and another node gets those events again, then new ones', async () => {
    fresh();
    const child = fork(
      new URL('../support/bus-node.ts', import.meta.url).pathname,
      [process.env.REDIS_URL!, prefix, 'doomed'],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const held: string[] = [];
    let childOwned: number[] = [];
    child.on('message', (m: { delivered?: string; owned?: number[] }) => {
      if (m.delivered) held.push(m.delivered);
      if (m.owned) childOwned = m.owned;
    });
    try {
      await until('the child owns all', () => childOwned.length === 16, 15_000);
      const publisher = bus('publisher-only');
      const calls = Array.from({ length: 10 }, () => randomUUID());
      for (const id of calls) await publisher.publish(callEvent(id, 1));
      await until('the child holds 10', () => held.length === 10);
      child.kill('SIGKILL');
      const survivor = new Consumer();
      await publisher.consume(survivor);
      await until('the survivor owns all', () => publisher.owned().length === 16);
      for (const id of calls) await publisher.publish(callEvent(id, 2));
      await until('20 deliveries', () => survivor.got.length >= 20);
      expect(survivor.seen().sort()).toEqual(calls.flatMap((id) => [`${id}:1`, `${id}:2`]).sort());
      for (const id of calls) {
        expect(survivor.got.filter((d) => d.event.callId === id).map((d) => d.event.seq)).toEqual([1, 2]);
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('drops a malformed entry with a log line and keeps consuming', async () => {
    fresh();
    const consumer = new Consumer();
    const a = bus('a');
    await a.consume(consumer);
    await until('a owns all', () => a.owned().length === 16);
    const id = randomUUID();
    await redis.xadd(`${prefix}:calls:${partitionOf(id, 16)}`, '*', 'event', '{not json');
    await a.publish(callEvent(id, 1));
    await until('the good one', () => consumer.got.length === 1);
    expect(consumer.seen()).toEqual([`${id}:1`]);
    await until('nothing left unacked', async () => (await a.lag()) === 0);
  });
});
