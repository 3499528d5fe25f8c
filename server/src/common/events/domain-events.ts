/**
 * Something that happened to a CRM record, told by the service that owns the record once it is stored. Webhooks
 * subscribe to these; a sink must only record the event (enqueue), never do slow work in the caller's request.
 */
export type DomainEventType =
  'lead.created' | 'lead.converted' | 'deal.stage_changed' | 'task.created' | 'task.escalated' | 'contact.created';

export interface DomainEvent {
  type: DomainEventType;
  /**
   * What makes the event unique (the lead's id for `lead.created`, the deal, stage and time of a stage change):
   * the same key twice is the same event, delivered once.
   */
  key: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  /** The user whose request caused it, when one did (not part of webhook payloads; notifications skip them). */
  actorId?: string | null;
}

export interface DomainEventSink {
  publish(event: DomainEvent): Promise<void>;
}

export const NO_DOMAIN_EVENTS: DomainEventSink = { publish: async () => undefined };

/** Tells every sink (webhooks, notifications) in turn; each logs its own failures and never throws. */
export const fanOut = (...sinks: DomainEventSink[]): DomainEventSink => ({
  publish: async (event) => {
    for (const sink of sinks) await sink.publish(event);
  },
});
