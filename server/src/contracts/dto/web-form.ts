import { z } from 'zod';

import { nameSchema } from './common';

/** A website's form: its public key goes into the snippet; submissions become leads (source `web`). */
export const webFormSchema = z.object({
  id: z.string(),
  /** Public: in the snippet's URL and the endpoint `POST /api/public/forms/:formKey`. */
  key: z.string(),
  name: z.string(),
  /** Origins (https://shop.example.ru) whose pages may post this form; empty: any page. */
  allowedOrigins: z.array(z.string()),
  /** Queue whose free operator rings first for "call me back"; null: the form offers no callback. */
  callbackQueue: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebFormDto = z.infer<typeof webFormSchema>;

const origin = z
  .url({ protocol: /^https?$/, error: 'must be an origin such as https://shop.example.ru' })
  .transform((u) => new URL(u).origin);
const queue = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name: latin letters, digits, - and _');

export const createWebFormRequestSchema = z.strictObject({
  name: nameSchema,
  allowedOrigins: z.array(origin).max(20).default([]),
  callbackQueue: queue.nullable().default(null),
  active: z.boolean().default(true),
});
export type CreateWebFormRequest = z.input<typeof createWebFormRequestSchema>;

export const updateWebFormRequestSchema = z.strictObject({
  name: nameSchema.optional(),
  allowedOrigins: z.array(origin).max(20).optional(),
  callbackQueue: queue.nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateWebFormRequest = z.input<typeof updateWebFormRequestSchema>;

export const formKeyParamsSchema = z.strictObject({ formKey: z.string().regex(/^wf_[A-Za-z0-9_-]{16,64}$/) });

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !/\p{Cc}/u.test(s.replace(/[\t\n\r]/g, '')), 'must not contain control characters');
const utm = text(200).optional();

/**
 * What a website posts (JSON, or a plain HTML form's urlencoded body): the phone is required and must be a
 * possible number; `website` is the honeypot a person never sees (filled → accepted and dropped); `callback: true`
 * asks the form's queue to call the visitor back.
 */
export const formSubmissionRequestSchema = z.strictObject({
  phone: z.string().trim().min(1, 'the phone is required').max(40),
  name: text(200).optional(),
  email: z
    .email()
    .max(200)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  message: text(2000).optional(),
  utm_source: utm,
  utm_medium: utm,
  utm_campaign: utm,
  utm_term: utm,
  utm_content: utm,
  /** The page the form was on, and the page before it. */
  page: text(500).optional(),
  referrer: text(500).optional(),
  callback: z
    .union([z.boolean(), z.enum(['true', 'false', 'on', '1', '0'])])
    .optional()
    .transform((v) => v === true || v === 'true' || v === 'on' || v === '1'),
  website: z.string().max(500).optional(),
});
export type FormSubmissionRequest = z.input<typeof formSubmissionRequestSchema>;

export const CALLBACK_OUTCOMES = ['calling', 'scheduled'] as const;

/** The public answer: nothing about the CRM's records, only what the visitor should be told. */
export const formSubmissionResponseSchema = z.object({
  accepted: z.literal(true),
  /** `calling`: an operator is being rung now, then the visitor; `scheduled`: a call back at `at`. */
  callback: z.object({ status: z.enum(CALLBACK_OUTCOMES), at: z.string().nullable() }).nullable(),
});
export type FormSubmissionResponse = z.infer<typeof formSubmissionResponseSchema>;

/** UTM tags kept on a lead from a website form. */
export const leadUtmSchema = z.object({
  source: z.string().nullable(),
  medium: z.string().nullable(),
  campaign: z.string().nullable(),
  term: z.string().nullable(),
  content: z.string().nullable(),
});
export type LeadUtm = z.infer<typeof leadUtmSchema>;
