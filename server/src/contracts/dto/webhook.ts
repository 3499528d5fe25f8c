import { z } from 'zod';

/**
 * Events an endpoint can subscribe to. Call events come from the call pipeline, `recording.ready` once Zvonok has
 * stored the playable recording, the rest from the service that owns the record.
 */
export const WEBHOOK_EVENTS = [
  'call.ended',
  'call.missed',
  'recording.ready',
  'lead.created',
  'lead.converted',
  'deal.stage_changed',
  'task.created',
  'task.escalated',
  'contact.created',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Version of the payloads below; a breaking change to any of them gets a new number (and both are sent meanwhile). */
export const WEBHOOK_PAYLOAD_VERSION = 1;

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpointDto = z.infer<typeof webhookEndpointSchema>;

/** Creating an endpoint (or rotating its secret) is the only time the signing secret is shown. */
export const webhookSecretSchema = z.object({
  /** Standard Webhooks secret: `whsec_` and base64 of 32 random bytes. */
  secret: z.string(),
});
export const createdWebhookEndpointSchema = webhookEndpointSchema.extend(webhookSecretSchema.shape);
export type CreatedWebhookEndpointDto = z.infer<typeof createdWebhookEndpointSchema>;

const url = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(500)
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry a user name or password');
const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .refine((e) => new Set(e).size === e.length, 'events must not repeat');
const description = z.string().trim().max(200);

export const createWebhookRequestSchema = z.strictObject({
  url,
  events,
  description: description.default(''),
  active: z.boolean().default(true),
});
export type CreateWebhookRequest = z.input<typeof createWebhookRequestSchema>;

export const updateWebhookRequestSchema = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  description: description.optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhookRequest = z.input<typeof updateWebhookRequestSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const webhookAttemptSchema = z.object({
  attempt: z.number().int(),
  /** The endpoint's HTTP status; null when no answer came (refused, timed out, address not allowed). */
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  /** A redelivery an admin asked for. */
  manual: z.boolean(),
  at: z.string(),
});

/** One event for one endpoint, with its attempts (newest first). */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  /** The `webhook-id` header and the payload's `id`: the same for every attempt, so receivers can dedupe. */
  eventId: z.string(),
  eventType: z.enum(WEBHOOK_EVENTS),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  payload: z.record(z.string(), z.unknown()),
  log: z.array(webhookAttemptSchema),
});
export type WebhookDeliveryDto = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListQuerySchema = z.strictObject({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** What every endpoint receives (JSON body, signed per Standard Webhooks: webhook-id, -timestamp, -signature). */
export const webhookPayloadSchema = z.object({
  /** Same as the `webhook-id` header. */
  id: z.string(),
  type: z.enum(WEBHOOK_EVENTS),
  version: z.literal(WEBHOOK_PAYLOAD_VERSION),
  /** When the event happened (ISO 8601). */
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
