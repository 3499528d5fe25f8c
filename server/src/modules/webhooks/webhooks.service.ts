import { randomBytes, randomUUID } from 'node:crypto';

import { type Page } from '@contracts/dto/common';
import { type UserDto } from '@contracts/dto/user';
import {
  type CreateWebhookRequest,
  type CreatedWebhookEndpointDto,
  type UpdateWebhookRequest,
  type WebhookDeliveryDto,
  type WebhookEndpointDto,
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookDeliveryListQuerySchema,
} from '@contracts/dto/webhook';
import { type JobQueue } from '@server/common/jobs/job-queue';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type SipSecretCipher } from '@server/common/crypto/sip-secret-cipher';

import { type DeliveryJob, WEBHOOK_QUEUE } from './webhook-dispatcher';
import { type WebhookUrlGuard } from './webhook-url-guard';
import { webhooksError } from './webhooks.errors';
import { type AttemptRow, type DeliveryRow, type EndpointRow, type WebhooksRepository } from './webhooks.repository';

/** Seals and opens an endpoint's signing secret (bound to the endpoint id). */
export interface SecretBox {
  seal(endpointId: string, secret: string): Buffer;
  open(endpointId: string, sealed: Buffer): string;
}

/**
 * Signing secrets sealed like the SIP secrets (AES-256-GCM under SIP_SECRETS_KEY), bound to `webhook:<id>`: a
 * database dump alone signs nothing, and a sealed secret copied to another endpoint does not open.
 */
export const sealedSecretBox = (cipher: Pick<SipSecretCipher, 'seal' | 'open'>): SecretBox => ({
  seal: (id, secret) => cipher.seal(`webhook:${id}`, secret),
  open: (id, sealed) => cipher.open(`webhook:${id}`, sealed),
});

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes (what `standardwebhooks` expects). */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Admin management of webhook endpoints, their delivery log and manual redelivery. Every change is audited. */
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly guard: WebhookUrlGuard,
    private readonly secrets: SecretBox,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<WebhookEndpointDto[]> {
    return (await this.repo.listEndpoints()).map(toEndpointDto);
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    return toEndpointDto(await this.endpoint(id));
  }

  async create(actor: UserDto, input: CreateWebhookRequest): Promise<CreatedWebhookEndpointDto> {
    const req = createWebhookRequestSchema.parse(input);
    await this.assertUrlAllowed(req.url);
    const secret = newSecret();
    const row = await this.repo.insertEndpoint({
      ...req,
      createdById: actor.id,
      sealSecret: (id) => this.secrets.seal(id, secret),
    });
    await this.record(actor, 'webhook.create', row.id, { url: row.url, events: row.events });
    return { ...toEndpointDto(row), secret };
  }

  async update(actor: UserDto, id: string, input: UpdateWebhookRequest): Promise<WebhookEndpointDto> {
    const req = updateWebhookRequestSchema.parse(input);
    const before = await this.endpoint(id);
    if (req.url !== undefined) await this.assertUrlAllowed(req.url);
    const row = await this.repo.updateEndpoint(id, req);
    if (!row) throw webhooksError('WEBHOOK_NOT_FOUND');
    await this.record(actor, 'webhook.update', id, {
      before: { url: before.url, events: before.events, active: before.active },
      after: { url: row.url, events: row.events, active: row.active },
    });
    return toEndpointDto(row);
  }

  async remove(actor: UserDto, id: string): Promise<void> {
    const before = await this.endpoint(id);
    await this.repo.deleteEndpoint(id);
    await this.record(actor, 'webhook.delete', id, { url: before.url });
  }

  /** A new secret at once; the old one stops signing (receivers must switch). */
  async rotateSecret(actor: UserDto, id: string): Promise<{ secret: string }> {
    await this.endpoint(id);
    const secret = newSecret();
    await this.repo.updateEndpoint(id, { secret: this.secrets.seal(id, secret) });
    await this.record(actor, 'webhook.rotate-secret', id, {});
    return { secret };
  }

  async deliveries(endpointId: string, query: unknown): Promise<Page<WebhookDeliveryDto>> {
    const q = webhookDeliveryListQuerySchema.parse(query);
    await this.endpoint(endpointId);
    const { rows, total } = await this.repo.listDeliveries(endpointId, q);
    const attempts = await this.repo.attemptsOf(rows.map((r) => r.id));
    return { items: rows.map((r) => toDeliveryDto(r, attempts)), total, limit: q.limit, offset: q.offset };
  }

  /** Sends the delivery again (same webhook-id, so a receiver that has it can tell), whatever its status. */
  async redeliver(actor: UserDto, deliveryId: string): Promise<WebhookDeliveryDto> {
    const row = await this.repo.findDelivery(deliveryId);
    if (!row) throw webhooksError('WEBHOOK_DELIVERY_NOT_FOUND');
    await this.repo.markPending(deliveryId);
    await this.jobs.insert<DeliveryJob>(WEBHOOK_QUEUE, [{ id: randomUUID(), data: { deliveryId, manual: true } }]);
    await this.record(actor, 'webhook.redeliver', row.endpoint_id, { deliveryId, eventType: row.event_type });
    return toDeliveryDto({ ...row, status: 'pending' }, await this.repo.attemptsOf([deliveryId]));
  }

  private async endpoint(id: string): Promise<EndpointRow> {
    const row = await this.repo.findEndpoint(id);
    if (!row) throw webhooksError('WEBHOOK_NOT_FOUND');
    return row;
  }

  private async assertUrlAllowed(url: string): Promise<void> {
    const refusal = await this.guard.refusal(url);
    if (refusal) throw webhooksError('WEBHOOK_URL_NOT_ALLOWED', { field: 'url', reason: refusal });
  }

  private record(actor: UserDto, action: string, id: string, details: Record<string, unknown>) {
    return this.audit.record({ actorId: actor.id, action, entity: 'webhook', entityId: id, details });
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toEndpointDto(r: EndpointRow): WebhookEndpointDto {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toDeliveryDto(r: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryDto {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastAttemptAt: iso(r.last_attempt_at),
    deliveredAt: iso(r.delivered_at),
    createdAt: r.created_at.toISOString(),
    payload: r.payload,
    log: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attempt: a.attempt,
        statusCode: a.status_code,
        durationMs: a.duration_ms,
        error: a.error,
        manual: a.manual,
        at: a.at.toISOString(),
      })),
  };
}
