import { type Redis } from 'ioredis';
import { type Logger } from 'pino';

import { type TelephonyEvent } from '@telephony';

import { eventId, type BusHandler, type BusMessage, type EventBus } from './event-bus';

export interface RedisStreamBusOptions {
  redis: Redis;
  logger: Logger;
  /** Stream key; one stream carries every telephony event. */
  stream?: string;
  /** Approximate cap on retained entries (XADD MAXLEN ~). */
  maxLen?: number;
  /** A pending message idle this long is taken over from a consumer presumed dead. */
  claimIdleMs?: number;
  blockMs?: number;
  /** Calls handled at once by this consumer (events of one call always one after another). Default 8. */
  parallelCalls?: number;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * Telephony worker → web nodes over a Redis Stream with consumer groups.
 * A message is acknowledged only after its handler succeeds, so a crashed node's messages stay pending and are
 * claimed by another node after `claimIdleMs`; handlers dedupe by `BusMessage.id`, so nothing is processed twice.
 */
export class RedisStreamBus implements EventBus {
  private readonly stream: string;
  private readonly maxLen: number;
  private readonly claimIdleMs: number;
  private readonly blockMs: number;
  private readonly parallelCalls: number;
  private readonly readers: Redis[] = [];
  private readonly loops: Promise<void>[] = [];
  private closed = false;

  constructor(private readonly options: RedisStreamBusOptions) {
    this.stream = options.stream ?? 'zvonok:telephony';
    this.maxLen = options.maxLen ?? 100_000;
    this.claimIdleMs = options.claimIdleMs ?? 15_000;
    this.blockMs = options.blockMs ?? 1_000;
    this.parallelCalls = Math.max(1, options.parallelCalls ?? 8);
  }

  async publish(event: TelephonyEvent): Promise<void> {
    await this.options.redis.xadd(
      this.stream,
      'MAXLEN',
      '~',
      String(this.maxLen),
      '*',
      'id',
      eventId(event),
      'event',
      JSON.stringify(event),
    );
  }

  async subscribe(group: string, consumer: string, handler: BusHandler): Promise<void> {
    await this.ensureGroup(this.options.redis, group);
    const reader = this.options.redis.duplicate();
    // The read loop reports and retries failures itself; without a listener ioredis prints every reconnect attempt.
    reader.on('error', () => undefined);
    this.readers.push(reader);
    this.loops.push(this.loop(reader, group, consumer, handler));
  }

  /**
   * Stops taking messages and waits for the one in hand to finish (at most one blocking read, `blockMs`), so its
   * reactions still run while the node's sockets are open; whatever was read but not handled stays pending for
   * another node to claim.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.loops);
    await Promise.all(this.readers.map((r) => r.quit().catch(() => r.disconnect())));
  }

  private async ensureGroup(redis: Redis, group: string): Promise<void> {
    try {
      // From '0': a group created late still sees what the stream retains; handlers are idempotent.
      await redis.xgroup('CREATE', this.stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  private async loop(reader: Redis, group: string, consumer: string, handler: BusHandler): Promise<void> {
    let backlog = true; // first re-read our own pending entries (a restart), then new ones
    while (!this.closed) {
      try {
        await this.claimStale(reader, group, consumer, handler);
        const reply = (await reader.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          100,
          'BLOCK',
          backlog ? 1 : this.blockMs,
          'STREAMS',
          this.stream,
          backlog ? '0' : '>',
        )) as [string, StreamEntry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (backlog && entries.length === 0) backlog = false;
        const failed = await this.handleAll(reader, group, entries, handler);
        // A failed handler (database down) leaves its entry pending: go back over the backlog after a pause.
        if (failed) {
          backlog = true;
          await sleep(500);
        }
      } catch (error) {
        if (this.closed) return;
        this.options.logger.warn({ err: error, group }, 'event bus read failed; retrying');
        await sleep(500);
        // A Redis that came back without its data (no AOF) has lost the group too: make it again and carry on.
        if (String(error).includes('NOGROUP')) await this.ensureGroup(reader, group).catch(() => undefined);
      }
    }
  }

  private async claimStale(reader: Redis, group: string, consumer: string, handler: BusHandler): Promise<void> {
    const [, entries] = (await reader.xautoclaim(
      this.stream,
      group,
      consumer,
      this.claimIdleMs,
      '0-0',
      'COUNT',
      100,
    )) as [string, StreamEntry[]];
    if (entries.length > 0) {
      this.options.logger.info({ group, count: entries.length }, 'claimed pending events from an idle consumer');
      await this.handleAll(reader, group, entries, handler);
    }
  }

  /**
   * Returns true when some handler failed and its entry was left pending. Entries of one call are handled in
   * stream order; different calls run side by side (up to `parallelCalls`), so one slow call does not hold up
   * every other call's screen pop.
   */
  private async handleAll(reader: Redis, group: string, entries: StreamEntry[], handler: BusHandler): Promise<boolean> {
    const lanes = new Map<string, [string, BusMessage][]>();
    for (const [streamId, fields] of entries) {
      const message = decode(fields);
      if (!message) {
        this.options.logger.error({ streamId }, 'dropping malformed bus entry');
        await reader.xack(this.stream, group, streamId);
        continue;
      }
      const lane = 'callId' in message.event ? message.event.callId : message.event.type;
      const list = lanes.get(lane) ?? [];
      list.push([streamId, message]);
      lanes.set(lane, list);
    }
    let failed = false;
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const [streamId, message] of lane) {
          if (this.closed) return; // the rest stays pending: another node claims it
          try {
            await handler(message);
            await reader.xack(this.stream, group, streamId);
          } catch (error) {
            failed = true;
            this.options.logger.warn({ err: error, eventId: message.id }, 'event handler failed; will retry');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallelCalls, queue.length) }, worker));
    return failed;
  }
}

function decode(fields: string[] | null): BusMessage | null {
  if (!fields) return null; // the entry was trimmed away while pending
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const id = map.get('id');
  const raw = map.get('event');
  if (!id || !raw) return null;
  try {
    return { id, event: JSON.parse(raw) as TelephonyEvent };
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
