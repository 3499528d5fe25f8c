import { z } from 'zod';

/**
 * The screen-pop card the server pushes to the operator whose phone rings (and returns from the
 * card endpoint on reload). Three shapes, discriminated on `kind`:
 * - `contact`: the caller's number belongs to a contact;
 * - `lead`: unknown number — the lead created for it (exactly once per number) or found again;
 * - `withheld`: the caller hid the number, so nothing can be looked up or created.
 */

const isoDateTime = z.string().min(1);

export const callCardNumberSchema = z.object({
  /** As the PBX reported it; shown only when it could not be parsed. */
  raw: z.string(),
  /** E.164, or null when the number is not a public one (e.g. an internal extension). */
  e164: z.string().nullable(),
});

export const callCardRefSchema = z.object({ id: z.string(), name: z.string() });

export const callCardDealSchema = z.object({
  id: z.string(),
  title: z.string(),
  stage: z.string(),
  /** Decimal as a string (numeric column) so no precision is lost on the way. */
  amount: z.string().nullable(),
  currency: z.string().length(3).default('RUB'),
});

export const callCardTaskSchema = z.object({
  id: z.string(),
  /** For a callback of missed calls only the number; screens render the title from callbackPhone/Attempts. */
  title: z.string(),
  callbackPhone: z.string().nullable().default(null),
  callbackAttempts: z.number().int().nullable().default(null),
  dueAt: isoDateTime.nullable(),
  assignee: callCardRefSchema.nullable(),
});

export const callCardPastCallSchema = z.object({
  id: z.string(),
  startedAt: isoDateTime,
  direction: z.enum(['inbound', 'outbound', 'internal']),
  answered: z.boolean(),
  talkSeconds: z.number().int().nonnegative(),
  agent: callCardRefSchema.nullable(),
  /** Same-origin URL of the recording, or null when there is none (yet). */
  recordingUrl: z.string().nullable(),
});

const base = {
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  queue: z.string().nullable().default(null),
  occurredAt: isoDateTime,
};

export const contactCallCardSchema = z.object({
  ...base,
  kind: z.literal('contact'),
  number: callCardNumberSchema,
  contact: z.object({
    id: z.string(),
    name: z.string(),
    company: callCardRefSchema.nullable(),
    owner: callCardRefSchema.nullable(),
    doNotCall: z.boolean(),
    tags: z.array(z.string()).default([]),
    notes: z.string().nullable(),
  }),
  openDeals: z.array(callCardDealSchema),
  openTasks: z.array(callCardTaskSchema),
  lastCalls: z.array(callCardPastCallSchema),
});

export const leadCallCardSchema = z.object({
  ...base,
  kind: z.literal('lead'),
  number: callCardNumberSchema,
  lead: z.object({
    id: z.string(),
    status: z.string(),
    /** True when this very call created the lead (first call from the number). */
    createdByThisCall: z.boolean(),
    createdAt: isoDateTime,
    owner: callCardRefSchema.nullable(),
    notes: z.string().nullable(),
  }),
  lastCalls: z.array(callCardPastCallSchema),
});

export const withheldCallCardSchema = z.object({
  ...base,
  kind: z.literal('withheld'),
  /** What the PBX sent ("anonymous", "Restricted", empty…), for diagnostics only. */
  raw: z.string(),
});

export const callCardSchema = z.discriminatedUnion('kind', [
  contactCallCardSchema,
  leadCallCardSchema,
  withheldCallCardSchema,
]);

export type CallCardNumber = z.infer<typeof callCardNumberSchema>;
export type CallCardRef = z.infer<typeof callCardRefSchema>;
export type CallCardDeal = z.infer<typeof callCardDealSchema>;
export type CallCardTask = z.infer<typeof callCardTaskSchema>;
export type CallCardPastCall = z.infer<typeof callCardPastCallSchema>;
export type ContactCallCard = z.infer<typeof contactCallCardSchema>;
export type LeadCallCard = z.infer<typeof leadCallCardSchema>;
export type WithheldCallCard = z.infer<typeof withheldCallCardSchema>;
export type CallCard = z.infer<typeof callCardSchema>;
