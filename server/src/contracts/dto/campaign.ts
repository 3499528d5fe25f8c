import { z } from 'zod';

import { timeRangeSchema, weekSchema } from './business-hours';
import { nameSchema } from './common';
import { type ImportRowReport } from './import';
import { localeSchema } from './user';

export const CAMPAIGN_MODES = ['preview', 'progressive'] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];
export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped', 'finished'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CAMPAIGN_RECORD_STATES = ['pending', 'dialling', 'done', 'failed', 'excluded'] as const;
export type CampaignRecordState = (typeof CAMPAIGN_RECORD_STATES)[number];
/**
 * How one dial ended. `agent-no-answer`: the operator's phone (rung first) was not answered, the customer was never
 * dialled and the attempt does not count; `blocked`: do-not-call or blocked at dial time; `cancelled`: a stop.
 */
export const CAMPAIGN_ATTEMPT_OUTCOMES = [
  'answered',
  'busy',
  'no-answer',
  'failed',
  'abandoned',
  'agent-no-answer',
  'blocked',
  'cancelled',
] as const;
export type CampaignAttemptOutcome = (typeof CAMPAIGN_ATTEMPT_OUTCOMES)[number];
/** The outcomes a retry rule is set for. */
export const CAMPAIGN_RETRY_OUTCOMES = ['busy', 'no-answer', 'failed', 'abandoned'] as const;
export type CampaignRetryOutcome = (typeof CAMPAIGN_RETRY_OUTCOMES)[number];

const minutes = z.number().int().min(1).max(43_200);
const label = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** Retry delay per outcome (minutes after the attempt ended) and the attempts a record may get in all. */
export const retryRulesSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(3),
  busy: minutes.default(15),
  'no-answer': minutes.default(120),
  failed: minutes.default(60),
  abandoned: minutes.default(30),
});
export type RetryRules = z.infer<typeof retryRulesSchema>;

export const DEFAULT_CALL_WINDOW = { from: '09:00', to: '21:00' } as const;

const campaignFields = {
  name: nameSchema.max(120),
  mode: z.enum(CAMPAIGN_MODES),
  /** The queue the campaign's calls are reported under (optional; the operators below take the calls). */
  queue: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name: latin letters, digits, - and _')
    .nullable()
    .default(null),
  operatorIds: z.array(z.uuid()).max(500).default([]),
  /** Shown to the customer; must be one of CAMPAIGN_CALLER_IDS when that is set. */
  callerId: z
    .string()
    .trim()
    .regex(/^\+[0-9]{6,15}$/, 'an E.164 number such as +74951234567'),
  /** Customer-first pacing: numbers dialled per free operator (1 = operator first). */
  ratio: z.number().min(1).max(1.5).default(1),
  /** Most answered calls (per cent) that may find no operator within the rolling window before pacing slows. */
  abandonCapPercent: z.number().min(0).max(100).default(3),
  abandonWindowMinutes: z.number().int().min(1).max(1440).default(60),
  /** When the campaign dials, in the company's zone; null → whenever it runs. */
  schedule: weekSchema.nullable().default(null),
  /** The callee's local hours a call may reach them in. */
  callWindow: timeRangeSchema.default({ ...DEFAULT_CALL_WINDOW }),
  retryRules: retryRulesSchema.default(retryRulesSchema.parse({})),
  /** What the operator may choose in the wrap-up of a campaign call. */
  dispositions: z.array(label).min(1).max(30),
  /** The dispositions after which a record is done; any other one retries it (as `no-answer` would). */
  closingDispositions: z.array(label).max(30).default([]),
  script: z.string().max(20_000).default(''),
};

const checks = <
  T extends z.ZodType<{ operatorIds?: string[]; dispositions?: string[]; closingDispositions?: string[] }>,
>(
  schema: T,
) =>
  schema
    .refine((v) => v.operatorIds === undefined || v.operatorIds.length > 0, {
      path: ['operatorIds'],
      message: 'a campaign needs at least one operator',
    })
    .refine((v) => !v.dispositions || new Set(v.dispositions).size === v.dispositions.length, {
      path: ['dispositions'],
      message: 'dispositions must not repeat',
    })
    .refine(
      (v) =>
        !v.closingDispositions || !v.dispositions || v.closingDispositions.every((d) => v.dispositions!.includes(d)),
      { path: ['closingDispositions'], message: 'every closing disposition must be one of the dispositions' },
    );

export const createCampaignRequestSchema = checks(z.strictObject(campaignFields));
export type CreateCampaignRequest = z.input<typeof createCampaignRequestSchema>;

/** Any of the fields; `dispositions` and `closingDispositions` are checked against each other when both come. */
export const updateCampaignRequestSchema = checks(
  z
    .strictObject({
      name: campaignFields.name,
      mode: campaignFields.mode,
      queue: campaignFields.queue.unwrap().nullable(),
      operatorIds: z.array(z.uuid()).max(500),
      callerId: campaignFields.callerId,
      ratio: z.number().min(1).max(1.5),
      abandonCapPercent: z.number().min(0).max(100),
      abandonWindowMinutes: z.number().int().min(1).max(1440),
      schedule: weekSchema.nullable(),
      callWindow: timeRangeSchema,
      retryRules: retryRulesSchema,
      dispositions: z.array(label).min(1).max(30),
      closingDispositions: z.array(label).max(30),
      script: z.string().max(20_000),
    })
    .partial(),
).refine((v) => Object.keys(v).length > 0, { message: 'give at least one field' });
export type UpdateCampaignRequest = z.input<typeof updateCampaignRequestSchema>;

/** Where a call list comes from: CRM records by a filter. Contacts give all their numbers, deals their contact's. */
export const buildListRequestSchema = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('contacts'),
    ownerId: z.uuid().optional(),
    tag: z.string().trim().min(1).max(40).optional(),
  }),
  z.strictObject({
    source: z.literal('leads'),
    ownerId: z.uuid().optional(),
    status: z.string().trim().min(1).max(40).optional(),
  }),
  z.strictObject({
    source: z.literal('deals'),
    ownerId: z.uuid().optional(),
    pipelineId: z.uuid().optional(),
    stage: z.string().trim().min(1).max(64).optional(),
  }),
]);
export type BuildListRequest = z.input<typeof buildListRequestSchema>;

export interface BuildListResponse {
  /** Records added to the list. */
  added: number;
  /** Numbers the list already had. */
  duplicates: number;
  /** Added as `excluded` (do-not-call or blocked now; the dialer checks again at dial time anyway). */
  excluded: number;
}

/** A CSV/XLSX file into the call list: the contacts import's row checks, its duplicate report and its limits. */
export interface ImportListResponse extends BuildListResponse {
  total: number;
  invalid: number;
  /** Every row not added, in file order (as the contacts import reports them). */
  problems: ImportRowReport[];
}

export const campaignActionSchema = z.strictObject({ action: z.enum(['start', 'pause', 'stop']) });
export type CampaignAction = z.infer<typeof campaignActionSchema>['action'];

export const campaignDispositionRequestSchema = z.strictObject({ disposition: label });
export type CampaignDispositionRequest = z.infer<typeof campaignDispositionRequestSchema>;

export const campaignRecordsQuerySchema = z.strictObject({
  state: z.enum(CAMPAIGN_RECORD_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CampaignRecordsQuery = z.input<typeof campaignRecordsQuerySchema>;

export interface CampaignDto {
  id: string;
  name: string;
  mode: CampaignMode;
  queue: string | null;
  operatorIds: string[];
  callerId: string;
  ratio: number;
  abandonCapPercent: number;
  abandonWindowMinutes: number;
  schedule: z.infer<typeof weekSchema> | null;
  callWindow: { from: string; to: string };
  retryRules: RetryRules;
  dispositions: string[];
  closingDispositions: string[];
  script: string;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
}

/**
 * Figures of a campaign (formulas in the README): records by state, attempts, answered, contact rate
 * (answered / attempts that reached the customer), abandons within the window against the cap, per disposition and
 * per operator.
 */
export interface CampaignProgressDto {
  campaignId: string;
  status: CampaignStatus;
  records: Record<CampaignRecordState, number>;
  attempts: number;
  answered: number;
  /** answered / (attempts that dialled the customer), 0..1; null before any. */
  answerRate: number | null;
  /** Records with an answered attempt / records no longer pending, 0..1; null before any. */
  contactRate: number | null;
  abandonRate: number | null;
  abandonCapPercent: number;
  byDisposition: Record<string, number>;
  byOperator: { userId: string; name: string; attempts: number; answered: number }[];
}

/** `GET /api/campaigns/:id/stats`: JSON, or `format=csv` the same figures as a table in `lang` (default: profile). */
export const campaignStatsQuerySchema = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  lang: localeSchema.optional(),
});
export type CampaignStatsQuery = z.input<typeof campaignStatsQuerySchema>;

/**
 * A campaign's results over its whole life (formulas in the README): records by state, attempts that dialled the
 * customer, connects (answered), abandons, talk time, attempts per outcome and results per disposition.
 */
export interface CampaignStatsDto {
  campaignId: string;
  name: string;
  status: CampaignStatus;
  records: Record<CampaignRecordState, number>;
  attempts: number;
  connects: number;
  abandoned: number;
  /** abandoned / (connects + abandoned) over the whole campaign, 0..1; null before any. */
  abandonRate: number | null;
  /** Talk seconds of the connected calls. */
  talkSeconds: number;
  /** talkSeconds / connects; null before any. */
  averageTalkSeconds: number | null;
  /** Every attempt by how it ended, the ones that do not count included (operator unanswered, blocked, cancelled). */
  byOutcome: Record<CampaignAttemptOutcome, number>;
  /** The campaign's dispositions in its order (zero counts included), then any no longer in it. */
  byDisposition: { disposition: string; count: number; closing: boolean }[];
  /** Per operator who took an attempt: attempts that dialled the customer, connects, talk seconds. */
  byOperator: { userId: string; name: string; attempts: number; connects: number; talkSeconds: number }[];
}

export interface CampaignRecordDto {
  id: string;
  phoneE164: string;
  name: string | null;
  entityType: 'contact' | 'lead' | 'deal' | null;
  entityId: string | null;
  state: CampaignRecordState;
  attempts: number;
  nextDueAt: string;
  lastOutcome: string | null;
  disposition: string | null;
  excludedReason: string | null;
}

/** The next record an operator of a preview campaign is offered: dial it, or skip it. */
export interface PreviewOfferDto {
  attemptId: string;
  campaign: { id: string; name: string; script: string; dispositions: string[] };
  record: CampaignRecordDto;
}

/** The campaign the ringing call belongs to, on the pop card. */
export const callCardCampaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  script: z.string(),
  attemptId: z.string(),
  dispositions: z.array(z.string()),
});
export type CallCardCampaign = z.infer<typeof callCardCampaignSchema>;
