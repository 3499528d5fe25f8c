import { uuidV5 } from '@telephony';
import { WEBHOOK_PAYLOAD_VERSION, type WebhookEventType, type WebhookPayload } from '@contracts/dto/webhook';
import { type CallerLink, type CallReaction } from '@server/common/calls/call-change';
import { type LeadDto } from '@contracts/dto/lead';
import { type DomainEvent, type DomainEventSink } from '@server/common/events/domain-events';
import { type JobQueue } from '@server/common/jobs/job-queue';
import { type Logger } from '@server/common/logger/logger';

import { callEventData, isMissed } from './webhook-payloads';
import { type WebhooksRepository } from './webhooks.repository';

export const WEBHOOK_QUEUE = 'webhook-delivery';
/** Namespace of event and delivery ids (UUID v5 of what makes them unique). */
const WEBHOOK_ID_NAMESPACE = 'e1f3a5c7-29b4-4d6e-8f10-3b5d7f9a1c24';

export interface DeliveryJob {
  deliveryId: string;
  /** A redelivery an admin asked for: sent even when the delivery succeeded before. */
  manual?: boolean;
}

export interface WebhookEvent {
  type: WebhookEventType;
  key: string;
  occurredAt: Date;
  /** A function is called only when some endpoint subscribes to the type (it may cost a query). */
  data: Record<string, unknown> | (() => Promise<Record<string, unknown>>);
}

/**
 * The sending side's front door: turns an event into one stored delivery per subscribed endpoint and one job per
 * delivery, and does nothing else — no HTTP here, so a slow or failing endpoint never holds up a call event or a
 * request. Ids are derived from the event (type + key) and the endpoint, so the same event enqueued twice (a
 * redelivered call event, a retried request) is delivered once.
 */
export class WebhookDispatcher implements DomainEventSink {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    /** The lead a call created, for `lead.created` (the leads service; read once per new lead). */
    private readonly findLead: (id: string) => Promise<LeadDto | null>,
    /** The contact an operator chose as the caller of a call (the calls module), if one did. */
    private readonly chosenContact: (callId: string) => Promise<string | null>,
    /** PUBLIC_URL: links in payloads are absolute when it is set. */
    private readonly publicUrl?: string,
  ) {}

  async enqueue(event: WebhookEvent): Promise<number> {
    const endpoints = await this.repo.subscribers(event.type);
    return endpoints.length === 0 ? 0 : this.deliver(event, endpoints);
  }

  private async deliver(event: WebhookEvent, endpoints: string[]): Promise<number> {
    const eventId = uuidV5(`${event.type}:${event.key}`, WEBHOOK_ID_NAMESPACE);
    const payload: WebhookPayload = {
      id: eventId,
      type: event.type,
      version: WEBHOOK_PAYLOAD_VERSION,
      timestamp: event.occurredAt.toISOString(),
      data: typeof event.data === 'function' ? await event.data() : event.data,
    };
    const fresh = await this.repo.insertDeliveries(
      { id: eventId, type: event.type, payload },
      endpoints.map((endpointId) => ({ id: uuidV5(`${eventId}:${endpointId}`, WEBHOOK_ID_NAMESPACE), endpointId })),
    );
    await this.jobs.insert<DeliveryJob>(
      WEBHOOK_QUEUE,
      fresh.map((deliveryId) => ({ id: deliveryId, data: { deliveryId } })),
    );
    return fresh.length;
  }

  /**
   * For the services that own CRM records. An enqueue that fails (the database is down) is logged, never thrown
   * into the request: the record is stored already, and the owner's answer must not say otherwise.
   */
  async publish(event: DomainEvent | WebhookEvent): Promise<void> {
    await this.enqueue(event).catch((err: unknown) =>
      this.logger.error({ err, type: event.type, key: event.key }, 'webhook event not enqueued'),
    );
  }

  /**
   * `call.ended` for every call, and `call.missed` besides for an inbound call nobody answered; `lead.created` for
   * the lead a new caller got (decided in the pipeline, where nothing but the decision may take time).
   */
  readonly callReaction: CallReaction = async ({ event, before, after, link }) => {
    if (before === null && link.kind === 'lead' && link.createdByThisCall) {
      // The lead is read only when someone subscribes (every new caller makes one).
      const endpoints = await this.repo.subscribers('lead.created');
      const lead = endpoints.length > 0 ? await this.findLead(link.leadId) : null;
      if (lead) {
        const data = { lead, callId: after.id };
        await this.deliver(
          { type: 'lead.created', key: lead.id, occurredAt: new Date(lead.createdAt), data },
          endpoints,
        );
      }
    }
    if (event.type !== 'call.ended') return;
    const occurredAt = new Date(after.endedAt ?? event.occurredAt);
    let data: Promise<Record<string, unknown>> | undefined;
    const once = () => (data ??= this.linkNow(after.id, link).then((now) => callEventData(after, now)));
    await this.enqueue({ type: 'call.ended', key: after.id, occurredAt, data: once });
    if (isMissed(after)) await this.enqueue({ type: 'call.missed', key: after.id, occurredAt, data: once });
  };

  /**
   * The pipeline's link is its own first match, kept in memory for the whole call; an operator's pick among the
   * contacts with the number (`PUT /api/calls/:id/contact`) is stored on the call and is the caller from then on.
   */
  private async linkNow(callId: string, link: CallerLink): Promise<CallerLink> {
    if (link.kind !== 'contact') return link;
    const chosen = await this.chosenContact(callId);
    return chosen ? { kind: 'contact', contactId: chosen } : link;
  }

  /** Once Zvonok has stored a call's playable recording (not the PBX's file: nobody outside could fetch that). */
  async recordingStored(callId: string, recordingId: string): Promise<void> {
    const path = `/api/recordings/${recordingId}`;
    await this.publish({
      type: 'recording.ready',
      key: recordingId,
      occurredAt: new Date(),
      data: { callId, recordingId, url: this.publicUrl ? new URL(path, this.publicUrl).toString() : path },
    });
  }
}
