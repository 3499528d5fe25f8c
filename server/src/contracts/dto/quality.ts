import { z } from 'zod';

import { CALL_DISPOSITIONS, callListQuerySchema, rangeEnd, rangeStart } from '@contracts/dto/call';
import { localeSchema } from '@contracts/dto/user';

/**
 * Quality-control review of a recorded call. Deliberately small: one overall score 1–5 (what supervisors already use
 * on paper; a per-criterion sheet would need a configurable checklist), whether the operator followed the script
 * (the yes/no the script-compliance use case asks), and a free comment. One review per call per reviewer.
 */
export const reviewRequestSchema = z.strictObject({
  score: z.number().int().min(1).max(5),
  scriptFollowed: z.boolean(),
  comment: z
    .string()
    .trim()
    .max(2000)
    .refine((s) => !/\p{Cc}/u.test(s.replace(/[\t\n\r]/g, '')), 'must not contain control characters')
    .nullable()
    .default(null)
    .transform((s) => (s === '' ? null : s)),
});
export type ReviewRequest = z.input<typeof reviewRequestSchema>;

export const reviewSchema = z.object({
  callId: z.string(),
  reviewerId: z.string(),
  reviewerName: z.string(),
  score: z.number().int(),
  scriptFollowed: z.boolean(),
  comment: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReviewDto = z.infer<typeof reviewSchema>;

export const reviewItemSchema = z.object({
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  fromRaw: z.string(),
  fromE164: z.string().nullable(),
  toRaw: z.string(),
  toE164: z.string().nullable(),
  /** The client's name: the call's contact, else its lead (null when unknown or withheld). */
  callerName: z.string().nullable(),
  /** The caller withheld their number. */
  anonymous: z.boolean(),
  queue: z.string().nullable(),
  operatorId: z.string().nullable(),
  operatorName: z.string().nullable(),
  agentExtension: z.string().nullable(),
  startedAt: z.string(),
  talkSeconds: z.number().int().nullable(),
  disposition: z.enum(CALL_DISPOSITIONS).nullable(),
  wrapUpOutcome: z.string().nullable(),
  /** The operator's wrap-up note (with the outcome above). */
  wrapUpNote: z.string().nullable(),
  /** Newest recording of the call (`GET /api/recordings/:id`: audited there on playback). */
  recordingUrl: z.string(),
  recordingSeconds: z.number().int().nullable(),
  /** Every reviewer's review, oldest first; the viewer's own is the one with their id. */
  reviews: z.array(reviewSchema),
});
export type ReviewItemDto = z.infer<typeof reviewItemSchema>;

const seconds = z.coerce.number().int().min(0).max(86_400);

const reviewFilterShape = {
  operatorId: z.uuid().optional(),
  queue: z.string().trim().min(1).max(80).optional(),
  /** Same forms as the call log: an ISO date (whole day, UTC) or a date-time with offset. */
  from: callListQuerySchema.shape.from,
  to: callListQuerySchema.shape.to,
  /** Talk time bounds in seconds, inclusive. */
  minDuration: seconds.optional(),
  maxDuration: seconds.optional(),
  disposition: z.enum(CALL_DISPOSITIONS).optional(),
  direction: z.enum(['inbound', 'outbound', 'internal']).optional(),
  /** `true`: calls someone has reviewed; `false`: calls nobody has reviewed yet. */
  reviewed: z.enum(['true', 'false']).optional(),
};

type Bounds = { from?: string; to?: string; minDuration?: number; maxDuration?: number };
const rangeOrdered = (q: Bounds) => !q.from || !q.to || rangeStart(q.from) < rangeEnd(q.to);
const durationOrdered = (q: Bounds) =>
  q.minDuration === undefined || q.maxDuration === undefined || q.minDuration <= q.maxDuration;
const RANGE_ISSUE = { message: 'from must be before to', path: ['to'] };
const DURATION_ISSUE = { message: 'minDuration must not exceed maxDuration', path: ['maxDuration'] };

export const reviewListQuerySchema = z
  .strictObject({
    ...reviewFilterShape,
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .refine(rangeOrdered, RANGE_ISSUE)
  .refine(durationOrdered, DURATION_ISSUE);
export type ReviewListQuery = z.input<typeof reviewListQuerySchema>;

/** The export takes the same filters and returns the newest `REVIEW_EXPORT_LIMIT` matching calls. */
export const reviewExportQuerySchema = z
  .strictObject({
    ...reviewFilterShape,
    format: z.enum(['csv', 'xlsx']).default('csv'),
    /** Language of the file's headers and texts; default: the user's profile language. */
    lang: localeSchema.optional(),
  })
  .refine(rangeOrdered, RANGE_ISSUE)
  .refine(durationOrdered, DURATION_ISSUE);
export type ReviewExportQuery = z.input<typeof reviewExportQuerySchema>;
export const REVIEW_EXPORT_LIMIT = 10_000;
