import { z } from 'zod';

/**
 * Figures for every role (issue #20): an operator's own dashboard with targets, a supervisor's team, a manager's
 * sales, and outbound / internal calls. The response types are zod schemas so the API document states them exactly.
 */

/** What a supervisor can set a target on; each is a figure of the personal dashboard. */
export const TARGET_METRICS = ['calls-in', 'calls-out', 'talk-seconds', 'conversions', 'deals-won'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/** A target is per calendar day or per calendar month of the company's clock (the dashboard's `tz`). */
export const TARGET_PERIODS = ['day', 'month'] as const;
export type TargetPeriod = (typeof TARGET_PERIODS)[number];

export const targetParamsSchema = z.strictObject({ userId: z.uuid() });

/** `value: null` removes the target. */
export const setTargetRequestSchema = z.strictObject({
  metric: z.enum(TARGET_METRICS),
  period: z.enum(TARGET_PERIODS),
  value: z.number().int().min(1).max(1_000_000).nullable(),
});
export type SetTargetRequest = z.infer<typeof setTargetRequestSchema>;

const nullableNumber = z.number().nullable();

/** Calls of one direction a user made or took: attempts (ended calls), connects (answered) and their talk time. */
export const directionFiguresSchema = z.object({
  attempts: z.number().int(),
  connects: z.number().int(),
  talkSeconds: z.number().int(),
});
export type DirectionFigures = z.infer<typeof directionFiguresSchema>;

/** One person's figures over one range; the formulas are on AnalyticsRolesService and in the README. */
export const personalFiguresSchema = z.object({
  /** Inbound calls they handled (answered or received by transfer), as in the operators report. */
  callsIn: z.number().int(),
  outbound: directionFiguresSchema,
  internal: directionFiguresSchema,
  /** Inbound handle time + outbound and internal talk time, seconds. */
  talkSeconds: z.number().int(),
  /** Inbound AHT: (handle + wrap-up) ÷ handled, as in the operators report. */
  ahtSeconds: nullableNumber,
  /** Missed or abandoned inbound calls of the range whose caller they called back within a day. */
  missedReturned: z.number().int(),
  callbacksDue: z.number().int(),
  callbacksInTime: z.number().int(),
  callbacksInTimeRate: nullableNumber,
  /** Their leads converted in the range (by `converted_at`). */
  conversions: z.number().int(),
  /** Their deals won in the range (closed on a won stage). */
  dealsWon: z.number().int(),
});
export type PersonalFigures = z.infer<typeof personalFiguresSchema>;

export const targetProgressSchema = z.object({
  metric: z.enum(TARGET_METRICS),
  period: z.enum(TARGET_PERIODS),
  value: z.number().int(),
  /** The figure so far in the current day or month of `tz`. */
  actual: z.number().int(),
  /** actual ÷ value, 0..n (over 1 when exceeded), 4 decimals. */
  progress: z.number(),
  setBy: z.string().nullable(),
  updatedAt: z.string(),
});
export type TargetProgressDto = z.infer<typeof targetProgressSchema>;

const rangeSchema = z.object({
  from: z.string(),
  to: z.string(),
  tz: z.string(),
  fromUtc: z.string(),
  toUtc: z.string(),
});

export const personalDashboardSchema = z.object({
  userId: z.string(),
  name: z.string(),
  extension: z.string().nullable(),
  /** Since midnight in `tz`. */
  today: personalFiguresSchema,
  /** The asked range. */
  period: personalFiguresSchema,
  targets: z.array(targetProgressSchema),
});
export type PersonalDashboardDto = z.infer<typeof personalDashboardSchema>;

export const myDashboardReportSchema = z.object({ range: rangeSchema, dashboard: personalDashboardSchema });
export type MyDashboardReportDto = z.infer<typeof myDashboardReportSchema>;

export const teamReportSchema = z.object({ range: rangeSchema, rows: z.array(personalDashboardSchema) });
export type TeamReportDto = z.infer<typeof teamReportSchema>;

/** Lead channels of the sales report: a website lead with a UTM campaign is a campaign lead, without one a form. */
export const LEAD_CHANNELS = ['call', 'form', 'campaign', 'import', 'manual'] as const;
export type LeadChannel = (typeof LEAD_CHANNELS)[number];

export const salesReportSchema = z.object({
  range: rangeSchema,
  /** Per owner: deals created in the range, deals won / lost (closed in the range) and won amounts per currency. */
  owners: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      dealsCreated: z.number().int(),
      dealsWon: z.number().int(),
      dealsLost: z.number().int(),
      wonAmounts: z.array(z.object({ currency: z.string(), amount: z.number() })),
      leads: z.number().int(),
      leadsWithDeal: z.number().int(),
    }),
  ),
  /** Leads created in the range per channel; withDeal = a deal was made from the lead (`leads.deal_id`). */
  channels: z.array(
    z.object({
      channel: z.enum(LEAD_CHANNELS),
      leads: z.number().int(),
      withDeal: z.number().int(),
      conversion: nullableNumber,
    }),
  ),
});
export type SalesReportDto = z.infer<typeof salesReportSchema>;

export const callDirectionsReportSchema = z.object({
  range: rangeSchema,
  rows: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      outbound: directionFiguresSchema,
      internal: directionFiguresSchema,
    }),
  ),
  totals: z.object({ outbound: directionFiguresSchema, internal: directionFiguresSchema }),
});
export type CallDirectionsReportDto = z.infer<typeof callDirectionsReportSchema>;
