import { z } from 'zod';

import { nameSchema, sortDirSchema } from './common';
import { customFilterQuery, customValuesInputSchema } from './custom-field';

export const companySchema = z.object({
  id: z.string(),
  name: z.string(),
  inn: z.string().nullable(),
  website: z.string().nullable(),
  phoneE164: z.string().nullable(),
  ownerId: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CompanyDto = z.infer<typeof companySchema>;

const fields = {
  name: nameSchema,
  inn: z
    .string()
    .regex(/^\d{10}(\d{2})?$/, '10 or 12 digits')
    .nullable(),
  // Rendered as a link: any other scheme (javascript:, data:, vbscript:, file:) could run or fetch something.
  website: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(200)
    .nullable(),
  phone: z.string().trim().max(40).nullable(),
  ownerId: z.uuid().nullable(),
};

export const createCompanyRequestSchema = z.strictObject({
  name: fields.name,
  inn: fields.inn.default(null),
  website: fields.website.default(null),
  phone: fields.phone.default(null),
  ownerId: fields.ownerId.optional(),
  custom: customValuesInputSchema.optional(),
});
export const updateCompanyRequestSchema = z.strictObject({
  name: fields.name.optional(),
  inn: fields.inn.optional(),
  website: fields.website.optional(),
  phone: fields.phone.optional(),
  ownerId: fields.ownerId.optional(),
  custom: customValuesInputSchema.optional(),
});
export type CreateCompanyRequest = z.input<typeof createCompanyRequestSchema>;
export type UpdateCompanyRequest = z.input<typeof updateCompanyRequestSchema>;

export const COMPANY_SORTS = ['name', 'inn', 'createdAt'] as const;

export const companyListQuerySchema = z.strictObject({
  /** Name or INN (any part, any case, е = ё), or the company's number (whole or any part of its digits). */
  q: z.string().trim().max(100).optional(),
  ...customFilterQuery,
  sort: z.enum(COMPANY_SORTS).default('name'),
  dir: sortDirSchema,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
