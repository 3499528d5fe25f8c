import { type CallEvent } from '@telephony';

import { type CallEventBus, partitionOf, type PartitionOwner } from './call-event-bus';

/**
 * The quick start's bus (no Redis): one process owns every partition, and a publish is a delivery. Nothing is
 * redelivered, because nothing outlives the process; a restarted node rebuilds unknown calls from the store.
 */
export class MemoryCallBus implements CallEventBus {
  readonly partitions = 1;
  private owner: PartitionOwner | undefined;
  private pending = 0;
  private closed = false;

  async publish(event: CallEvent): Promise<void> {
    if (this.closed || !this.owner) return;
    this.pending++;
    let acked = false;
    this.owner.deliver({
      event,
      partition: partitionOf(event.callId, this.partitions),
      ack: () => {
        if (acked) return;
        acked = true;
        this.pending--;
      },
    });
  }

  async consume(owner: PartitionOwner): Promise<void> {
    this.owner = owner;
  }

  owned(): number[] {
    return this.owner && !this.closed ? [0] : [];
  }

  inFlight(): number {
    return this.pending;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.owner?.release(0);
  }
}
