import { z } from 'zod';

import { WRAP_UP_OUTCOMES } from './call';
import { callCardCampaignSchema } from './campaign';
import { CUSTOM_FIELD_TYPES } from './custom-field';
import { timelineItemSchema } from './timeline';

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
  /** The stage's key in the deal's pipeline, and its names. */
  stage: z.string(),
  stageName: z.object({ ru: z.string(), en: z.string() }).nullable().default(null),
  /** Decimal as a string (numeric column) so no precision is lost on the way. */
  amount: z.string().nullable(),
  currency: z.string().length(3).default('RUB'),
});

export const callCardCustomFieldSchema = z.object({
  key: z.string(),
  labelRu: z.string(),
  labelEn: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  /** As stored: a string, a number, a boolean or (multi-select) an array of option values. */
  value: z.unknown(),
  /** Select and multi-select: the chosen options' labels. */
  options: z.array(z.object({ value: z.string(), labelRu: z.string(), labelEn: z.string() })).default([]),
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
  /** What the operator who took it chose and wrote after it (the wrap-up form). */
  wrapUp: z
    .object({ outcome: z.enum(WRAP_UP_OUTCOMES), note: z.string().nullable() })
    .nullable()
    .default(null),
});

/**
 * The newest items of the client's timeline (`GET /api/timeline`, the same stream and rules), this call left out;
 * the full history is the client's page.
 */
const history = z.array(timelineItemSchema).default([]);

const base = {
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  queue: z.string().nullable().default(null),
  occurredAt: isoDateTime,
  /** An outbound campaign's call (absent otherwise): the campaign, its script and its wrap-up dispositions. */
  campaign: callCardCampaignSchema.nullable().optional(),
};

/** One of the contacts that share the caller's number, for the operator to pick the caller from. */
export const callCardMatchSchema = z.object({
  id: z.string(),
  name: z.string(),
  company: callCardRefSchema.nullable(),
  /** Their newest call before this one, if any. */
  lastCallAt: isoDateTime.nullable(),
});

/**
 * Several contacts have the caller's number: the card is the first one's (exact E.164 match first, then the most
 * recently updated) until someone picks the caller (`PUT /api/calls/:id/contact`), for this call only.
 */
export const callCardMatchesSchema = z.object({
  /** How many contacts have the number (`contacts` lists the first 20). */
  total: z.number().int().min(2),
  contacts: z.array(callCardMatchSchema),
  /** True once an operator chose the card's contact for this call; false while it is the automatic pick. */
  chosen: z.boolean(),
});

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
    /** Custom fields an admin flagged for the card, in their order, with the contact's values (set ones only). */
    custom: z.array(callCardCustomFieldSchema).default([]),
  }),
  openDeals: z.array(callCardDealSchema),
  openTasks: z.array(callCardTaskSchema),
  lastCalls: z.array(callCardPastCallSchema),
  history,
  /** Null unless several contacts have the number. */
  matches: callCardMatchesSchema.nullable().default(null),
});

export const leadCallCardSchema = z.object({
  ...base,
  kind: z.literal('lead'),
  number: callCardNumberSchema,
  lead: z.object({
    id: z.string(),
    /** The lead's own name, once someone gave it one. */
    name: z.string().nullable().default(null),
    status: z.string(),
    /** True when this very call created the lead (first call from the number). */
    createdByThisCall: z.boolean(),
    createdAt: isoDateTime,
    owner: callCardRefSchema.nullable(),
    notes: z.string().nullable(),
  }),
  lastCalls: z.array(callCardPastCallSchema),
  history,
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
export type CallCardCustomField = z.infer<typeof callCardCustomFieldSchema>;
export type CallCardTask = z.infer<typeof callCardTaskSchema>;
export type CallCardPastCall = z.infer<typeof callCardPastCallSchema>;
export type CallCardMatch = z.infer<typeof callCardMatchSchema>;
export type CallCardMatches = z.infer<typeof callCardMatchesSchema>;
export type ContactCallCard = z.infer<typeof contactCallCardSchema>;
export type LeadCallCard = z.infer<typeof leadCallCardSchema>;
export type WithheldCallCard = z.infer<typeof withheldCallCardSchema>;
export type CallCard = z.infer<typeof callCardSchema>;
