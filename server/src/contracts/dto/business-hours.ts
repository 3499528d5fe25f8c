import { z } from 'zod';

import { isIanaTimeZone } from './analytics';
import { queueNameSchema } from './common';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export const timeRangeSchema = z
  .strictObject({ from: z.string().regex(HH_MM, 'HH:MM'), to: z.string().regex(HH_MM, 'HH:MM') })
  .refine((r) => r.from < r.to, { message: '`from` must be before `to`', path: ['to'] });

/** ISO weekdays 1 (Monday) … 7 (Sunday) → the day's open hours (empty: closed all day). */
export const weekSchema = z.strictObject({
  1: z.array(timeRangeSchema).max(4),
  2: z.array(timeRangeSchema).max(4),
  3: z.array(timeRangeSchema).max(4),
  4: z.array(timeRangeSchema).max(4),
  5: z.array(timeRangeSchema).max(4),
  6: z.array(timeRangeSchema).max(4),
  7: z.array(timeRangeSchema).max(4),
});
export type WeekHours = z.infer<typeof weekSchema>;

export const businessHoursSchema = z.object({
  queue: z.string(),
  timeZone: z.string(),
  week: weekSchema,
  /** Whole days closed (YYYY-MM-DD in the queue's zone): public holidays, company days off. */
  holidays: z.array(z.string()),
  /** "Call me back": how long the queue may ring for a free operator before it becomes a task. */
  callbackWaitSeconds: z.number().int(),
  updatedAt: z.string(),
});
export type BusinessHoursDto = z.infer<typeof businessHoursSchema>;

export const businessHoursParamsSchema = z.strictObject({
  queue: queueNameSchema,
});

export const putBusinessHoursRequestSchema = z.strictObject({
  timeZone: z.string().max(64).refine(isIanaTimeZone, 'not an IANA time zone'),
  week: weekSchema,
  holidays: z
    .array(z.iso.date())
    .max(400)
    .refine((d) => new Set(d).size === d.length, 'holidays must not repeat')
    .default([]),
  callbackWaitSeconds: z.number().int().min(15).max(1800).default(120),
});
export type PutBusinessHoursRequest = z.input<typeof putBusinessHoursRequestSchema>;
