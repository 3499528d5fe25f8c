import { z } from 'zod';

import { CALL_DISPOSITIONS, WRAP_UP_OUTCOMES } from './call';
import { LEAD_SOURCES } from './lead';
import { TASK_KINDS } from './task';

/**
 * A client's history as one stream, newest first (`GET /api/timeline`): calls, notes, tasks, deal stages, lead
 * events and owner changes of a contact, a company (with its contacts) or a lead. The pop card carries the newest
 * items of the same stream.
 */

export const TIMELINE_ENTITY_TYPES = ['contact', 'company', 'lead'] as const;
export type TimelineEntityType = (typeof TIMELINE_ENTITY_TYPES)[number];

export const TIMELINE_KINDS = ['call', 'note', 'task', 'deal', 'lead', 'owner'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TIMELINE_PAGE_DEFAULT = 30;

export const timelineQuerySchema = z.strictObject({
  entityType: z.enum(TIMELINE_ENTITY_TYPES),
  entityId: z.uuid(),
  /** Kinds to keep, comma-separated (`call,note`) or repeated; absent = all. */
  kinds: z
    .union([
      z.array(z.enum(TIMELINE_KINDS)).min(1).max(TIMELINE_KINDS.length),
      z
        .string()
        .max(200)
        .transform((s, ctx) => {
          const kinds = [...new Set(s.split(',').map((k) => k.trim()))].filter(Boolean);
          if (kinds.length === 0 || kinds.some((k) => !(TIMELINE_KINDS as readonly string[]).includes(k))) {
            ctx.addIssue({ code: 'custom', message: `one or more of ${TIMELINE_KINDS.join(', ')}` });
            return z.NEVER;
          }
          return kinds as TimelineKind[];
        }),
    ])
    .optional(),
  /** `nextCursor` of the previous page: items older than it. Only valid for the same entity. */
  before: z.string().min(1).max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(TIMELINE_PAGE_DEFAULT),
});
export type TimelineQuery = z.input<typeof timelineQuerySchema>;

const refSchema = z.object({ id: z.string(), name: z.string() });
export type TimelineRef = z.infer<typeof refSchema>;

/** The record an item belongs to, when the stream spans several (a company's contacts, a contact's deals). */
const recordRefSchema = z.object({
  entityType: z.enum(['contact', 'company', 'lead', 'deal', 'task']),
  id: z.string(),
  name: z.string(),
});
export type TimelineRecordRef = z.infer<typeof recordRefSchema>;

const base = {
  /** Unique within the stream (`call:<id>`, `task-done:<id>`…): a React key. */
  key: z.string(),
  at: z.string(),
};

export const timelineCallSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  /** The client's number as the call carried it (the caller for inbound calls, the called number otherwise). */
  number: z.string().nullable(),
  queue: z.string().nullable(),
  operator: refSchema.nullable(),
  waitSeconds: z.number().int().nullable(),
  talkSeconds: z.number().int().nullable(),
  disposition: z.enum(CALL_DISPOSITIONS).nullable(),
  /** The operator's outcome and note (the wrap-up form). */
  wrapUp: z
    .object({
      outcome: z.enum(WRAP_UP_OUTCOMES),
      note: z.string().nullable(),
      by: refSchema.nullable(),
      at: z.string(),
    })
    .nullable(),
  /** Mean QA score of the call's reviews (1–5) and how many there are; null when nobody reviewed it. */
  qa: z.object({ score: z.number(), reviews: z.number().int() }).nullable(),
  /** `/api/recordings/<id>` when there is a recording and the viewer may listen (playback is audited there). */
  recordingUrl: z.string().nullable(),
});

export const timelineItemSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('call'), call: timelineCallSchema }),
  z.object({
    ...base,
    kind: z.literal('note'),
    note: z.object({ id: z.string(), body: z.string(), author: refSchema.nullable() }),
    record: recordRefSchema,
  }),
  z.object({
    ...base,
    kind: z.literal('task'),
    event: z.enum(['created', 'done']),
    task: z.object({
      id: z.string(),
      title: z.string(),
      kind: z.enum(TASK_KINDS),
      callbackPhone: z.string().nullable(),
      callbackAttempts: z.number().int().nullable(),
      dueAt: z.string().nullable(),
      doneAt: z.string().nullable(),
      assignee: refSchema.nullable(),
    }),
    /** Who created it, or who ticked it off (unknown for tasks done before this was kept). */
    by: refSchema.nullable(),
    record: recordRefSchema,
  }),
  z.object({
    ...base,
    kind: z.literal('deal'),
    event: z.enum(['created', 'stage']),
    deal: z.object({ id: z.string(), title: z.string(), amount: z.string(), currency: z.string() }),
    /** A stage is a key of its pipeline (GET /api/pipelines); the `from` pair is null for the creation. */
    fromPipelineId: z.string().nullable(),
    fromStage: z.string().nullable(),
    toPipelineId: z.string(),
    toStage: z.string(),
    by: refSchema.nullable(),
  }),
  z.object({
    ...base,
    kind: z.literal('lead'),
    event: z.enum(['created', 'converted']),
    lead: z.object({
      id: z.string(),
      name: z.string().nullable(),
      source: z.enum(LEAD_SOURCES),
      phoneE164: z.string().nullable(),
      /** The call that created it (source `call`). */
      sourceCallId: z.string().nullable(),
    }),
    /** The contact it was converted into. */
    contact: refSchema.nullable(),
  }),
  z.object({
    ...base,
    kind: z.literal('owner'),
    record: recordRefSchema,
    from: refSchema.nullable(),
    to: refSchema.nullable(),
    by: refSchema.nullable(),
  }),
]);
export type TimelineItem = z.infer<typeof timelineItemSchema>;
export type TimelineCall = z.infer<typeof timelineCallSchema>;

export const timelinePageSchema = z.object({
  items: z.array(timelineItemSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TimelinePage = z.infer<typeof timelinePageSchema>;
