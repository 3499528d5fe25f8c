import { type CallEvent } from '@telephony';

/**
 * One call event handed to the node that owns its call. The owner acks it once the event is stored and its
 * reactions ran; an unacked delivery is redelivered to whoever owns the partition next.
 */
export interface Delivery {
  event: CallEvent;
  partition: number;
  ack(): void;
}

/** What the call pipeline does as partitions come and go. */
export interface PartitionOwner {
  deliver(delivery: Delivery): void;
  /** The partition is being given up: resolve once every delivery of it is acked, and forget its calls. */
  release(partition: number): Promise<void>;
}

/**
 * Call events partitioned by call id. All events of a call land in one partition, and each partition is consumed by
 * one node at a time, in order: so one consumer decides every event of a call, from state in memory.
 */
export interface CallEventBus {
  readonly partitions: number;
  publish(event: CallEvent): Promise<void>;
  /** Starts consuming the partitions this node is given. */
  consume(owner: PartitionOwner): Promise<void>;
  /** Partitions this node owns right now (for metrics and tests). */
  owned(): number[];
  /** Deliveries handed out and not yet acked (consumer lag within the node). */
  inFlight(): number;
  /** Stops consuming: gives every owned partition up (release → ack) and stops publishing. */
  close(): Promise<void>;
}

export const DEFAULT_PARTITIONS = 16;

/** The partition of a call: a hash of its id, stable across processes and versions, as it must be. */
export function partitionOf(callId: string, partitions: number): number {
  return hash32(callId) % partitions;
}

/** FNV-1a with murmur3's finalizer, so similar inputs (node names, ids) still spread evenly. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
