import { z } from 'zod';

import { queueNameSchema } from './common';
import { localeSchema } from './user';

/** Default zone for date ranges and hour/weekday buckets (the call center's own clock). */
export const DEFAULT_ANALYTICS_TZ = 'Europe/Moscow';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm[:ss]`, a wall-clock time in `tz`; normalised to `YYYY-MM-DDTHH:mm:ss`. */
export const localDateTimeSchema = z
  .string()
  .regex(LOCAL_DATE_TIME, 'expected YYYY-MM-DD or YYYY-MM-DDTHH:mm')
  .transform((s) => (s.length === 10 ? `${s}T00:00:00` : s.length === 16 ? `${s}:00` : s))
  // Round trip, because Date.parse accepts 30 February (and would hand Postgres a date it rejects with a 500).
  .refine((s) => {
    const t = Date.parse(`${s}Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === s;
  }, 'not a calendar date');

export function isIanaTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    // Offsets like "+03:00" pass Intl but mean the opposite sign in POSIX zone names Postgres would accept.
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}

export const ANALYTICS_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type AnalyticsFormat = (typeof ANALYTICS_FORMATS)[number];

const MAX_RANGE_DAYS = 400;

/** Abandons with a shorter wait are misdials: left out of abandoned and of service level (analytics, wallboard). */
export const DEFAULT_SHORT_ABANDON_SECONDS = 5;

/** Campaign results: the days after a contact within which a new deal of the record's person is its conversion. */
export const DEFAULT_CONVERSION_DAYS = 7;

/** Query of every /api/analytics/* endpoint. The range is [from, to) in the wall clock of `tz`. */
export const analyticsQuerySchema = z
  .strictObject({
    from: localDateTimeSchema,
    to: localDateTimeSchema,
    tz: z.string().max(64).default(DEFAULT_ANALYTICS_TZ).refine(isIanaTimeZone, 'not an IANA time zone'),
    /** Y of "X % answered within Y s". */
    slSeconds: z.coerce.number().int().min(1).max(3600).default(20),
    /** X of "X % answered within Y s", in percent. */
    slTarget: z.coerce.number().min(1).max(100).default(80),
    /** Abandons with a wait shorter than this are short abandons (misdials), left out of abandoned and SL. */
    shortAbandonSeconds: z.coerce.number().int().min(0).max(120).default(DEFAULT_SHORT_ABANDON_SECONDS),
    format: z.enum(ANALYTICS_FORMATS).default('json'),
    /** Language of a CSV/XLSX export's headers and texts; default: the user's profile language. */
    lang: localeSchema.optional(),
    /** Only what the team's members handled (their calls, records and states). */
    teamId: z.uuid().optional(),
    /** The funnel's pipeline (default: the default pipeline). */
    pipelineId: z.uuid().optional(),
    /** Campaign results: a deal counts as a conversion when created within this many days of a contact. */
    conversionDays: z.coerce.number().int().min(1).max(90).default(DEFAULT_CONVERSION_DAYS),
  })
  .refine((q) => q.from < q.to, { message: '`from` must be before `to`', path: ['to'] })
  .refine((q) => Date.parse(`${q.to}Z`) - Date.parse(`${q.from}Z`) <= MAX_RANGE_DAYS * 86_400_000, {
    message: `the range may span at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });
export type AnalyticsQuery = z.output<typeof analyticsQuerySchema>;
export type AnalyticsQueryInput = z.input<typeof analyticsQuerySchema>;

export interface AnalyticsRange {
  from: string;
  to: string;
  tz: string;
  /** The same bounds as instants (ISO-8601, UTC). */
  fromUtc: string;
  toUtc: string;
}

export interface CallKpis {
  offered: number;
  answered: number;
  missed: number;
  abandoned: number;
  shortAbandoned: number;
  failed: number;
  /** Calls of the range that went through at least one transfer (each counted once). */
  transferred: number;
  answeredWithinSl: number;
  /** offered − shortAbandoned. */
  slDenominator: number;
  /** answeredWithinSl / slDenominator, 0..1; null without calls. */
  serviceLevel: number | null;
  slMet: boolean | null;
  /** abandoned / (offered − shortAbandoned), 0..1. */
  abandonRate: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  /** Talk without hold, summed over answered calls. */
  talkSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
}

export interface OccupancyFigure {
  /** Handling time (on a call, ringing, wrap-up) / staffed time (that + available), 0..1; null with no history. */
  occupancy: number | null;
  handlingSeconds: number;
  staffedSeconds: number;
}

export interface CrmKpis {
  callbacksDue: number;
  callbacksDoneInTime: number;
  callbacksDoneLate: number;
  callbacksOpen: number;
  /** callbacksDoneInTime / callbacksDue. */
  callbacksInTimeRate: number | null;
  leadsCreated: number;
  leadsFromCalls: number;
  /** Leads created in the range that are `converted` now (into a contact). */
  leadsConverted: number;
  /** leadsConverted / leadsCreated (cohort of leads created in the range). */
  leadToContactConversion: number | null;
  /** Leads created in the range whose conversion made a first deal (`leads.deal_id`). */
  leadsWithDeal: number;
  /** leadsWithDeal / leadsCreated. */
  leadToDealConversion: number | null;
  /** Leads created in the range whose first deal is on a won stage now. */
  leadsWithWonDeal: number;
  /** leadsWithWonDeal / leadsCreated. */
  leadToWonDealConversion: number | null;
  averageDealAmount: { currency: string; deals: number; average: number }[];
}

export interface AnalyticsSummaryDto {
  range: AnalyticsRange;
  params: { slSeconds: number; slTarget: number; shortAbandonSeconds: number };
  calls: CallKpis;
  occupancy: OccupancyFigure;
  crm: CrmKpis;
}

export interface OperatorRowDto {
  userId: string;
  name: string;
  extension: string | null;
  /** Distinct calls the operator answered or received by transfer. */
  handled: number;
  /** Calls the operator answered first (from the queue or a direct ring). */
  answered: number;
  transfersIn: number;
  /** Wall time from taking the call to handing it on or its end (hold included). */
  handleSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
  /** (handleSeconds + wrapUpSeconds) / handled. */
  ahtSeconds: number | null;
  /** Mean wait of the calls the operator answered first. */
  asaSeconds: number | null;
  occupancy: number | null;
}

export interface QueueRowDto {
  /** null: calls that reached no queue (direct lines). */
  queue: string | null;
  offered: number;
  answered: number;
  missed: number;
  abandoned: number;
  shortAbandoned: number;
  serviceLevel: number | null;
  abandonRate: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
}

export interface HeatmapCellDto {
  /** ISO weekday in `tz`: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Hour of the day in `tz`, 0..23. */
  hour: number;
  offered: number;
  answered: number;
  abandoned: number;
  avgWaitSeconds: number | null;
}

export interface DailyRowDto {
  /** Calendar date in `tz` on which the calls started. */
  date: string;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  serviceLevel: number | null;
}

export interface AnalyticsTableDto<Row> {
  range: AnalyticsRange;
  rows: Row[];
}

/** Leads created in the range by where they came from: the source, and for website leads the UTM tags. */
export interface LeadSourceRowDto {
  source: 'call' | 'web' | 'manual' | 'import';
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  leads: number;
  /** Of those leads, how many are `converted` now (a cohort figure, like the summary's). */
  converted: number;
}

/**
 * One outbound campaign's results over the range (`GET /api/analytics/campaigns`; formulas in the README): attempts
 * started in the range and what came of them.
 */
export interface CampaignResultRowDto {
  campaignId: string;
  name: string;
  /** Attempts that dialled the customer (answered, busy, no-answer, failed, abandoned), started in the range. */
  attempts: number;
  /** Of those, answered: the customer answered and an operator talked to them (an abandoned call is no contact). */
  contacts: number;
  /** contacts / attempts, 0..1; null without attempts. */
  contactRate: number | null;
  /** Records with at least one contact in the range. */
  contactedRecords: number;
  /**
   * Contacted records for which a deal of the record's person (its contact, its lead's contact or deal, its deal's
   * contact, or a contact with its number) was created within `conversionDays` after one of those contacts.
   */
  conversions: number;
  /** conversions / contactedRecords, 0..1; null without a contact. */
  conversionRate: number | null;
}

export interface CampaignResultsReportDto extends AnalyticsTableDto<CampaignResultRowDto> {
  conversionDays: number;
}

export type LeadSourcesReportDto = AnalyticsTableDto<LeadSourceRowDto>;
export type OperatorsReportDto = AnalyticsTableDto<OperatorRowDto>;
export type QueuesReportDto = AnalyticsTableDto<QueueRowDto>;
export type HeatmapReportDto = AnalyticsTableDto<HeatmapCellDto>;
export type DailyReportDto = AnalyticsTableDto<DailyRowDto>;

/** After-call work configured per queue; AHT adds it to answered calls without a submitted wrap-up form. */
export interface QueueSettingDto {
  queue: string;
  wrapUpSeconds: number;
  updatedAt: string;
}

export const queueSettingParamsSchema = z.strictObject({ queue: queueNameSchema });
export const updateQueueSettingRequestSchema = z.strictObject({
  wrapUpSeconds: z.number().int().min(0).max(3600),
});
export type UpdateQueueSettingRequest = z.infer<typeof updateQueueSettingRequestSchema>;

/** One stage of a pipeline's funnel (`GET /api/analytics/funnel`): deals created in the range. */
export interface FunnelStageDto {
  key: string;
  nameRu: string;
  nameEn: string;
  kind: 'open' | 'won' | 'lost';
  probability: number;
  /** Deals on this stage now. */
  deals: number;
  /**
   * Deals that got at least this far: on this open stage or a later open one, or won (a won deal went through every
   * open stage). Lost deals count only on the lost stage (where they were lost is not recorded).
   */
  reached: number;
  /** reached ÷ the previous open stage's reached; null for the first stage. */
  conversion: number | null;
  /**
   * Median seconds the range's deals stayed on this stage before moving on (from the deal stage history); a deal
   * still on the stage is not counted; null when none has left it.
   */
  medianSecondsInStage: number | null;
  /** Amounts of the deals on the stage, per currency, and weighted by the stage's probability. */
  amounts: { currency: string; amount: number; weighted: number }[];
}

export interface FunnelReportDto {
  range: AnalyticsRange;
  pipelineId: string;
  stages: FunnelStageDto[];
}
