import { z } from 'zod';

import { dialOverrideSchema } from './dial-policy';

/** Operator's disposition after a call (wrap-up). */
export const WRAP_UP_OUTCOMES = ['resolved', 'callback', 'sale', 'no-interest', 'wrong-number', 'other'] as const;
export type WrapUpOutcome = (typeof WRAP_UP_OUTCOMES)[number];

export const CALL_DISPOSITIONS = ['answered', 'missed', 'abandoned', 'failed', 'blocked'] as const;

export const wrapUpSchema = z.object({
  outcome: z.enum(WRAP_UP_OUTCOMES),
  note: z.string().nullable(),
  byUserId: z.string().nullable(),
  at: z.string(),
});

export const callSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  status: z.string(),
  fromRaw: z.string(),
  fromE164: z.string().nullable(),
  anonymous: z.boolean(),
  toRaw: z.string(),
  toE164: z.string().nullable(),
  queue: z.string().nullable(),
  /** Extension responsible for the call now (answering operator or transfer target). */
  agentExtension: z.string().nullable(),
  operatorId: z.string().nullable(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  waitSeconds: z.number().int().nullable(),
  talkSeconds: z.number().int().nullable(),
  holdSeconds: z.number().int(),
  disposition: z.enum(CALL_DISPOSITIONS).nullable(),
  hangupCause: z.string().nullable(),
  contactId: z.string().nullable(),
  leadId: z.string().nullable(),
  wrapUp: wrapUpSchema.nullable(),
  /** Same-origin URL of the newest recording, or null (none yet, or the viewer may not listen). */
  recordingUrl: z.string().nullable(),
});
export type CallDto = z.infer<typeof callSchema>;

/** An ISO date (whole day, UTC) or an ISO date-time with offset. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO date (2026-11-23) or date-time with offset (2026-11-23T10:00:00+03:00)',
});

export const callListQuerySchema = z
  .strictObject({
    /** Any format: +7 916…, 8 916…, 916…; matched as E.164 against either party. */
    phone: z.string().trim().min(1).max(40).optional(),
    /** Inclusive; a bare date means its 00:00 UTC. */
    from: instant.optional(),
    /** Exclusive for a date-time; a bare date includes that whole day (UTC). */
    to: instant.optional(),
    direction: z.enum(['inbound', 'outbound', 'internal']).optional(),
    disposition: z.enum(CALL_DISPOSITIONS).optional(),
    /** Calls handled by this operator; for supervisors and up (operators only ever see their own). */
    operatorId: z.uuid().optional(),
    /** Calls handled by the team's members; for supervisors and up. */
    teamId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .refine((q) => !q.from || !q.to || rangeStart(q.from) < rangeEnd(q.to), {
    message: 'from must be before to',
    path: ['to'],
  });
export type CallListQuery = z.input<typeof callListQuerySchema>;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Start of a `from` value. */
export const rangeStart = (v: string): Date => new Date(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
/** Exclusive end of a `to` value: a bare date ends at the next midnight UTC. */
export const rangeEnd = (v: string): Date =>
  DATE_ONLY.test(v) ? new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000) : new Date(v);

export const wrapUpRequestSchema = z.strictObject({
  outcome: z.enum(WRAP_UP_OUTCOMES),
  note: z
    .string()
    .trim()
    .max(2000)
    .refine((s) => !/\p{Cc}/u.test(s.replace(/[\t\n\r]/g, '')), 'must not contain control characters')
    .nullable()
    .default(null)
    .transform((s) => (s === '' ? null : s)),
});
export type WrapUpRequest = z.input<typeof wrapUpRequestSchema>;

/** `PUT /api/calls/:id/contact`: which of the contacts that share the caller's number this call is. */
export const chooseCallContactRequestSchema = z.strictObject({ contactId: z.uuid() });
export type ChooseCallContactRequest = z.input<typeof chooseCallContactRequestSchema>;

export const originateRequestSchema = z.strictObject({
  /** An E.164/national number (+7 916…, 8 916…) or an internal extension (2–6 digits). */
  destination: z.string().trim().min(2).max(40),
  /** Supervisors and managers: call a do-not-call or blocked number anyway, for this reason (audited). */
  override: dialOverrideSchema.optional(),
});
export type OriginateRequest = z.input<typeof originateRequestSchema>;
export const originateResponseSchema = z.object({ requestId: z.string(), destination: z.string() });
export type OriginateResponse = z.infer<typeof originateResponseSchema>;
