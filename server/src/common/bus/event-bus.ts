import { type TelephonyEvent } from '@telephony';

/** A telephony event as carried by the bus; `id` is stable across re-deliveries and re-publishes. */
export interface BusMessage {
  id: string;
  event: TelephonyEvent;
}

/** Handlers must be idempotent: delivery is at-least-once. Throwing leaves the message pending for a retry. */
export type BusHandler = (message: BusMessage) => Promise<void>;

export interface EventBus {
  publish(event: TelephonyEvent): Promise<void>;
  /** Joins `group` as `consumer`; within a group each message goes to one consumer. */
  subscribe(group: string, consumer: string, handler: BusHandler): Promise<void>;
  close(): Promise<void>;
}

/**
 * The dedupe key of an event. Call events are unique by (callId, seq); agent and provider events by what they
 * state and when, so a re-published copy after a worker restart collapses onto the original.
 */
export function eventId(event: TelephonyEvent): string {
  switch (event.type) {
    case 'agent.state':
      return `agent:${event.agentId}:${event.status}:${event.occurredAt}`;
    case 'provider.up':
    case 'provider.down':
      return `${event.type}:${event.source}:${event.occurredAt}`;
    default:
      return `${event.callId}:${event.seq}`;
  }
}
