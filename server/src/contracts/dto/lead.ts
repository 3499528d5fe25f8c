import { z } from 'zod';

import { sortDirSchema } from './common';
import { type ContactDto, createContactRequestSchema } from './contact';
import { leadUtmSchema } from './web-form';
import { customFilterQuery, customValuesInputSchema } from './custom-field';
import { createDealRequestSchema, type DealDto } from './deal';

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
  /** The first deal made when the lead was converted (POST /api/leads/:id/convert). */
  dealId: z.string().nullable(),
  /** Set by the database whenever the status becomes `converted`, however it got there. */
  convertedAt: z.string().nullable(),
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

export const LEAD_SORTS = ['createdAt', 'name', 'phone', 'status', 'source'] as const;

export const leadListQuerySchema = z.strictObject({
  /** Name (any part, any case, е = ё) or the number (whole in any format, or any part of its digits). */
  q: z.string().trim().max(100).optional(),
  /** Exact number in any format (+7…, 8…, bare ten digits), matched by E.164. */
  phone: z.string().trim().min(1).max(40).optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  ...customFilterQuery,
  /** Default: newest first. */
  sort: z.enum(LEAD_SORTS).default('createdAt'),
  dir: sortDirSchema,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/**
 * Converting a lead, in one step: the contact it becomes (an existing one, or a new one with the lead's number) and,
 * optionally, the first deal with that contact. Exactly one of `contactId` and `contact`.
 */
export const convertLeadRequestSchema = z
  .strictObject({
    contactId: z.uuid().optional(),
    contact: createContactRequestSchema.pick({ name: true, email: true, companyId: true }).optional(),
    deal: createDealRequestSchema
      .pick({ title: true, pipelineId: true, stage: true, amount: true, currency: true })
      .optional(),
  })
  .refine((r) => (r.contactId === undefined) !== (r.contact === undefined), {
    message: 'give either contactId (an existing contact) or contact (a new one), not both',
    path: ['contact'],
  });
export type ConvertLeadRequest = z.input<typeof convertLeadRequestSchema>;

export interface ConvertLeadResponse {
  lead: LeadDto;
  contact: ContactDto;
  deal: DealDto | null;
}
