import { z } from 'zod';

import { leadUtmSchema } from './web-form';
import { customFilterQuery, customValuesInputSchema } from './custom-field';

export const LEAD_STATUSES = ['new', 'in_progress', 'qualified', 'converted', 'junk'] as const;
export const LEAD_SOURCES = ['call', 'web', 'manual', 'import'] as const;

export const leadSchema = z.object({
  id: z.string(),
  source: z.enum(LEAD_SOURCES),
  status: z.enum(LEAD_STATUSES),
  name: z.string().nullable(),
  phoneRaw: z.string().nullable(),
  phoneE164: z.string().nullable(),
  ownerId: z.string().nullable(),
  contactId: z.string().nullable(),
  /** Website form leads: the form and the visit's UTM tags (null for other sources). */
  formId: z.string().nullable(),
  utm: leadUtmSchema.nullable(),
  custom: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LeadDto = z.infer<typeof leadSchema>;

export const createLeadRequestSchema = z.strictObject({
  source: z.enum(LEAD_SOURCES).default('manual'),
  name: z.string().trim().min(1).max(200).nullable().default(null),
  phone: z.string().trim().min(2).max(40).nullable().default(null),
  ownerId: z.uuid().nullable().optional(),
  custom: customValuesInputSchema.optional(),
});
export const updateLeadRequestSchema = z.strictObject({
  status: z.enum(LEAD_STATUSES).optional(),
  name: z.string().trim().min(1).max(200).nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(),
  custom: customValuesInputSchema.optional(),
});
export type CreateLeadRequest = z.input<typeof createLeadRequestSchema>;
export type UpdateLeadRequest = z.input<typeof updateLeadRequestSchema>;

export const leadListQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  /** Exact number in any format (+7…, 8…, bare ten digits), matched by E.164. */
  phone: z.string().trim().min(1).max(40).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  ...customFilterQuery,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
