import { type TelephonyEvent } from '@telephony';

import { eventId, type BusHandler, type BusMessage, type EventBus } from './event-bus';

const RETRY_MS = 500;

/**
 * In-process stand-in for the Redis Stream when the quick start runs without REDIS_URL.
 * Same contract: one consumer per group gets each message, in publish order, retried until the handler succeeds.
 */
export class MemoryBus implements EventBus {
  private readonly groups = new Map<string, { handler: BusHandler; queue: BusMessage[]; running: boolean }>();
  private closed = false;

  async publish(event: TelephonyEvent): Promise<void> {
    const message = { id: eventId(event), event };
    for (const group of this.groups.values()) {
      group.queue.push(message);
      this.drain(group);
    }
  }

  async subscribe(group: string, _consumer: string, handler: BusHandler): Promise<void> {
    if (!this.groups.has(group)) this.groups.set(group, { handler, queue: [], running: false });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private drain(group: { handler: BusHandler; queue: BusMessage[]; running: boolean }): void {
    if (group.running || this.closed) return;
    group.running = true;
    const next = async (): Promise<void> => {
      while (group.queue.length > 0 && !this.closed) {
        try {
          await group.handler(group.queue[0]!);
          group.queue.shift();
        } catch {
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
      group.running = false;
    };
    void next();
  }
}
