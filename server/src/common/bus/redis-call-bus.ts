import { randomBytes } from 'node:crypto';
import os from 'node:os';

import { type Redis } from 'ioredis';
import { type Logger } from 'pino';

import { type CallEvent } from '@telephony';

import { type CallEventBus, DEFAULT_PARTITIONS, hash32, partitionOf, type PartitionOwner } from './call-event-bus';

export interface RedisCallBusOptions {
  redis: Redis;
  logger: Logger;
  /** Key prefix of the partition streams, leases and node list; distinct prefixes are distinct clusters. */
  prefix?: string;
  partitions?: number;
  /** This node's name in the cluster; unique per process. */
  nodeId?: string;
  /** How often a node says it is alive and renews its leases. */
  heartbeatMs?: number;
  /** A lease not renewed for this long is free: how long a dead node's calls wait for a new owner. */
  leaseMs?: number;
  /** Stop reading while this many deliveries are unacked (back-pressure when the database is slow). */
  maxInFlight?: number;
  /** Approximate number of entries each partition stream retains. */
  maxLenPerPartition?: number;
}

type StreamEntry = [id: string, fields: string[]];
const GROUP = 'pipeline';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Call events over Redis Streams, one stream per partition, each partition owned by one live node at a time.
 *
 * Ownership: every node announces itself in a sorted set (score = until when it counts as alive) and computes, by
 * rendezvous hashing over the live nodes, which partitions are its own; it takes a partition with a lease key
 * (`SET NX PX`) and renews it with every heartbeat. A node joining moves about 1/n of the partitions: their owner
 * finishes what it has in hand (every delivery acked), forgets their calls and deletes the lease, and the new owner
 * takes it. A node that dies stops renewing; its leases lapse after `leaseMs` and its partitions go to the others,
 * who first claim the entries it had read but not acked, then read on.
 */
export class RedisCallBus implements CallEventBus {
  readonly partitions: number;
  readonly nodeId: string;
  private readonly prefix: string;
  private readonly heartbeatMs: number;
  private readonly leaseMs: number;
  private readonly maxInFlight: number;
  private readonly maxLen: number;
  private reader: Redis | undefined;
  private owner: PartitionOwner | undefined;
  /** Partitions whose lease we hold; `readable` ones have had their backlog claimed and are read from. */
  private readonly held = new Set<number>();
  private readonly readable = new Set<number>();
  private readonly releasing = new Set<number>();
  private readonly unacked = new Map<number, number>();
  private readonly acks = new Map<number, string[]>();
  private ackScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private reads = 0;
  private loop: Promise<void> | undefined;
  /** The read in flight and the partitions it asked for: a partition is given up only once its read returned. */
  private reading: { done: Promise<unknown>; partitions: number[] } | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: RedisCallBusOptions) {
    this.prefix = options.prefix ?? 'zvonok';
    this.partitions = options.partitions ?? DEFAULT_PARTITIONS;
    this.nodeId = options.nodeId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.heartbeatMs = options.heartbeatMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 5_000;
    this.maxLen = options.maxLenPerPartition ?? 20_000;
  }

  private stream(partition: number): string {
    return `${this.prefix}:calls:${partition}`;
  }

  private lease(partition: number): string {
    return `${this.prefix}:pipeline:lease:${partition}`;
  }

  private get nodesKey(): string {
    return `${this.prefix}:pipeline:nodes`;
  }

  async publish(event: CallEvent): Promise<void> {
    const p = partitionOf(event.callId, this.partitions);
    await this.options.redis.xadd(
      this.stream(p),
      'MAXLEN',
      '~',
      String(this.maxLen),
      '*',
      'event',
      JSON.stringify(event),
    );
  }

  async consume(owner: PartitionOwner): Promise<void> {
    this.owner = owner;
    this.reader = this.options.redis.duplicate();
    // The loops report and retry failures themselves; without a listener ioredis prints every reconnect attempt.
    this.reader.on('error', () => undefined);
    await this.tick();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.heartbeatMs);
    this.loop = this.readLoop();
  }

  owned(): number[] {
    return [...this.readable].sort((a, b) => a - b);
  }

  inFlight(): number {
    let n = 0;
    for (const count of this.unacked.values()) n += count;
    return n;
  }

  /**
   * Consumer lag of the whole cluster: call events published and not yet acked (read and in hand somewhere, or not
   * read yet), over every partition. Every node reports the same figure.
   */
  async lag(): Promise<number> {
    const redis = this.options.redis;
    let total = 0;
    for (let p = 0; p < this.partitions; p++) {
      const groups = (await redis.xinfo('GROUPS', this.stream(p)).catch(() => [])) as unknown[][];
      const group = groups.map(fieldMap).find((g) => g.get('name') === GROUP);
      // Redis ≥ 7: `lag` = entries not yet delivered to the group, `pending` = delivered, not acked.
      total += group
        ? Number(group.get('lag') ?? 0) + Number(group.get('pending') ?? 0)
        : await redis.xlen(this.stream(p));
    }
    return total;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      if (this.timer) clearInterval(this.timer);
      await this.ticking;
      await this.loop;
      await Promise.all([...this.held].map((p) => this.giveUp(p)));
      this.flushAcks();
      await this.options.redis.zrem(this.nodesKey, this.nodeId).catch(() => undefined);
      await this.reader?.quit().catch(() => this.reader?.disconnect());
    })();
    return this.closing;
  }

  /** One heartbeat: say we are alive, see who else is, and take, keep or give up partitions accordingly. */
  private async tick(): Promise<void> {
    if (this.closed) return;
    const redis = this.options.redis;
    try {
      const now = Date.now();
      await redis.zadd(this.nodesKey, now + this.leaseMs, this.nodeId);
      await redis.zremrangebyscore(this.nodesKey, '-inf', now);
      const live = await redis.zrange(this.nodesKey, 0, -1);
      for (let p = 0; p < this.partitions; p++) {
        if (this.releasing.has(p)) continue;
        const mine = rendezvousOwner(live, p) === this.nodeId;
        if (this.held.has(p)) {
          const renewed = Number(await redis.eval(RENEW, 1, this.lease(p), this.nodeId, String(this.leaseMs)));
          if (!renewed) {
            this.options.logger.warn({ partition: p }, 'lost the lease of a partition (stalled?); giving it up');
            void this.giveUp(p, false);
          } else if (!mine) {
            void this.giveUp(p);
          }
        } else if (mine && !this.closed) {
          const taken = await redis.set(this.lease(p), this.nodeId, 'PX', this.leaseMs, 'NX');
          if (taken === 'OK') await this.take(p);
        }
      }
    } catch (error) {
      if (!this.closed) this.options.logger.warn({ err: error }, 'pipeline heartbeat failed; retrying');
    }
  }

  /** A partition just leased: make sure its group exists, hand over what the previous owner left unacked, read on. */
  private async take(p: number): Promise<void> {
    this.held.add(p);
    await this.ensureGroup(p);
    let cursor = '0-0';
    let claimed = 0;
    do {
      const [next, entries] = (await this.options.redis.xautoclaim(
        this.stream(p),
        GROUP,
        this.nodeId,
        0,
        cursor,
        'COUNT',
        500,
      )) as [string, StreamEntry[]];
      for (const entry of entries) this.deliver(p, entry);
      claimed += entries.length;
      cursor = next;
    } while (cursor !== '0-0');
    this.readable.add(p);
    this.options.logger.info({ partition: p, claimed, node: this.nodeId }, 'took over a call partition');
  }

  /** Stops reading `p`, lets the owner finish and forget its calls, then frees the lease for the next owner. */
  private async giveUp(p: number, drain = true): Promise<void> {
    if (this.releasing.has(p)) return;
    this.releasing.add(p);
    this.readable.delete(p);
    try {
      // What that read brings for `p` is already this node's (pending under its name): it is delivered like the
      // rest, so the owner's release covers it, and the next owner finds nothing stranded.
      const reading = this.reading;
      if (reading?.partitions.includes(p)) await reading.done.catch(() => undefined);
      await this.owner?.release(p);
      this.flushAcks();
      if (drain) await this.options.redis.eval(RELEASE, 1, this.lease(p), this.nodeId);
    } catch (error) {
      this.options.logger.warn({ err: error, partition: p }, 'could not release a partition; its lease will lapse');
    } finally {
      this.held.delete(p);
      this.releasing.delete(p);
    }
  }

  private async readLoop(): Promise<void> {
    const reader = this.reader!;
    while (!this.closed) {
      const partitions = this.owned();
      if (partitions.length === 0 || this.inFlight() >= this.maxInFlight) {
        await sleep(20);
        continue;
      }
      try {
        const read = reader.xreadgroup(
          'GROUP',
          GROUP,
          this.nodeId,
          'COUNT',
          500,
          'BLOCK',
          100,
          'STREAMS',
          ...partitions.map((p) => this.stream(p)),
          ...partitions.map(() => '>'),
        ) as Promise<[string, StreamEntry[]][] | null>;
        const done = read.then((reply) => {
          for (const [stream, entries] of reply ?? []) {
            const p = Number(stream.slice(stream.lastIndexOf(':') + 1));
            for (const entry of entries) this.deliver(p, entry);
          }
        });
        this.reading = { done, partitions };
        await done;
        this.reading = undefined;
        if (++this.reads % 600 === 0) await this.reclaimStranded();
      } catch (error) {
        this.reading = undefined;
        if (this.closed) return;
        this.options.logger.warn({ err: error }, 'pipeline read failed; retrying');
        await sleep(500);
        // A Redis that came back without its data (no AOF) has lost the groups too: make them again.
        if (String(error).includes('NOGROUP')) for (const p of partitions) await this.ensureGroup(p).catch(() => {});
      }
    }
  }

  /**
   * A safety net, about once a minute: entries of this node's partitions delivered long ago and never acked (a read
   * whose owner lost its lease mid-way) are delivered again; the pipeline drops what it already decided.
   */
  private async reclaimStranded(): Promise<void> {
    const minIdle = Math.max(60_000, this.leaseMs * 6);
    for (const p of this.owned()) {
      const [, entries] = (await this.options.redis.xautoclaim(
        this.stream(p),
        GROUP,
        this.nodeId,
        minIdle,
        '0-0',
        'COUNT',
        500,
      )) as [string, StreamEntry[]];
      if (entries.length)
        this.options.logger.warn({ partition: p, count: entries.length }, 'reclaimed stranded events');
      for (const entry of entries) if (this.readable.has(p)) this.deliver(p, entry);
    }
  }

  private deliver(p: number, [id, fields]: StreamEntry): void {
    const event = decode(fields);
    if (!event) {
      this.options.logger.error({ partition: p, id }, 'dropping a malformed call event');
      this.queueAck(p, id);
      return;
    }
    this.unacked.set(p, (this.unacked.get(p) ?? 0) + 1);
    let acked = false;
    this.owner!.deliver({
      event,
      partition: p,
      ack: () => {
        if (acked) return;
        acked = true;
        this.unacked.set(p, (this.unacked.get(p) ?? 1) - 1);
        this.queueAck(p, id);
      },
    });
  }

  /** Acks go out in one XACK per partition per turn of the event loop. */
  private queueAck(p: number, id: string): void {
    const list = this.acks.get(p) ?? [];
    list.push(id);
    this.acks.set(p, list);
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => this.flushAcks());
  }

  private flushAcks(): void {
    this.ackScheduled = false;
    for (const [p, ids] of this.acks) {
      this.options.redis
        .xack(this.stream(p), GROUP, ...ids)
        .catch((err: unknown) =>
          this.options.logger.warn({ err, partition: p }, 'ack failed; the events will be redelivered'),
        );
    }
    this.acks.clear();
  }

  private async ensureGroup(p: number): Promise<void> {
    try {
      // From '0': a partition nobody consumed yet still delivers what the stream holds.
      await this.options.redis.xgroup('CREATE', this.stream(p), GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }
}

/** Highest-random-weight owner: each partition picks the live node with the highest hash of (node, partition). */
export function rendezvousOwner(nodes: readonly string[], partition: number): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const node of nodes) {
    const score = hash32(`${node}:${partition}`);
    if (score > bestScore || (score === bestScore && best !== undefined && node < best)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

function fieldMap(fields: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), fields[i + 1]);
  return map;
}

function decode(fields: string[] | null): CallEvent | null {
  if (!fields) return null; // trimmed away while pending
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'event') continue;
    try {
      const event = JSON.parse(fields[i + 1]!) as CallEvent;
      return typeof event?.callId === 'string' && Number.isFinite(event.seq) ? event : null;
    } catch {
      return null;
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
