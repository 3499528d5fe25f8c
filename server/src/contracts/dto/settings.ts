import { z } from 'zod';

import { DEFAULT_ANALYTICS_TZ, isIanaTimeZone } from './analytics';

/**
 * Company settings (`GET /api/settings` for everyone signed in, `PUT /api/settings` for admins). Stored in the
 * database, audited, and applied by every node without a restart.
 */
export const companySettingsSchema = z.strictObject({
  /** IANA zone of the call center: "today" on the wallboard, the analytics default. */
  timeZone: z.string().max(64).refine(isIanaTimeZone, 'not an IANA time zone'),
  /** Region for national numbers (`8 916 …`), ISO 3166-1 alpha-2. */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code such as RU'),
  /** Recordings older than this many days are deleted; 0 keeps them forever. */
  recordingRetentionDays: z.number().int().min(0).max(36_500),
  /**
   * Whole months of calls kept before the current one (their events, legs, recordings and the rest with them); older
   * months are dropped. 0 keeps calls forever.
   */
  callRetentionMonths: z.number().int().min(0).max(1200),
  /** Wrap-up (queue pause) after each answered call, seconds; 0 turns it off. */
  wrapUpSeconds: z.number().int().min(0).max(3600),
  /** An open callback task this long past due is escalated to the supervisors (once). */
  callbackEscalateMinutes: z.number().int().min(0).max(10_080),
});
export type CompanySettings = z.infer<typeof companySettingsSchema>;
export const SETTING_KEYS = Object.keys(companySettingsSchema.shape) as (keyof CompanySettings)[];

export const updateSettingsRequestSchema = companySettingsSchema
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one setting' });
export type UpdateSettingsRequest = z.input<typeof updateSettingsRequestSchema>;

export const DEFAULT_TIME_ZONE = DEFAULT_ANALYTICS_TZ;
