import { z } from 'zod';

import { queueNameSchema } from './common';

/**
 * Live SLA alerts per queue (issue #20): thresholds an admin or supervisor sets, and the alerts raised while one is
 * breached. A breach raises one alert and its recovery (past a hysteresis margin) ends it.
 */
export const SLA_ALERT_KINDS = ['service-level', 'longest-wait', 'waiting'] as const;
export type SlaAlertKind = (typeof SLA_ALERT_KINDS)[number];

export const slaQueueParamsSchema = z.strictObject({ queue: queueNameSchema });

/** Every part is optional (null = not watched); at least one must be set. */
export const slaThresholdRequestSchema = z
  .strictObject({
    /** Alert when the service level over the last `slWindowMinutes` falls below this percentage. */
    slBelowPercent: z.number().min(1).max(100).nullable().default(null),
    slWindowMinutes: z.number().int().min(5).max(1440).default(30),
    /** "Answered within" of that service level. */
    slSeconds: z.number().int().min(1).max(3600).default(20),
    /** Alert when the longest-waiting caller has waited longer than this. */
    longestWaitAboveSeconds: z.number().int().min(1).max(3600).nullable().default(null),
    /** Alert when more callers than this wait at once. */
    waitingAbove: z.number().int().min(0).max(1000).nullable().default(null),
  })
  .refine((t) => t.slBelowPercent !== null || t.longestWaitAboveSeconds !== null || t.waitingAbove !== null, {
    message: 'set at least one threshold',
    path: ['slBelowPercent'],
  });
export type SlaThresholdRequest = z.output<typeof slaThresholdRequestSchema>;

export const slaThresholdSchema = z.object({
  queue: z.string(),
  slBelowPercent: z.number().nullable(),
  slWindowMinutes: z.number().int(),
  slSeconds: z.number().int(),
  longestWaitAboveSeconds: z.number().int().nullable(),
  waitingAbove: z.number().int().nullable(),
  updatedAt: z.string(),
});
export type SlaThresholdDto = z.infer<typeof slaThresholdSchema>;

export const slaAlertSchema = z.object({
  id: z.string(),
  queue: z.string(),
  kind: z.enum(SLA_ALERT_KINDS),
  /** The threshold it broke: percent, seconds or callers. */
  threshold: z.number(),
  /** The figure when it was raised. */
  value: z.number(),
  startedAt: z.string(),
  /** null while the breach lasts. */
  endedAt: z.string().nullable(),
});
export type SlaAlertDto = z.infer<typeof slaAlertSchema>;

export const slaAlertsQuerySchema = z.strictObject({
  /** `true`: only alerts still open (the wallboard's banner); otherwise the newest 200, open or ended. */
  open: z.enum(['true', 'false']).optional(),
});
