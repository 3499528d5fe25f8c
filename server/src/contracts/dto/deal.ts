import { z } from 'zod';

import { nameSchema, sortDirSchema } from './common';

export const DEAL_STAGES = ['new', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

export const dealSchema = z.object({
  id: z.string(),
  title: z.string(),
  stage: z.enum(DEAL_STAGES),
  /** Decimal string, e.g. "125000.00". */
  amount: z.string(),
  currency: z.string(),
  ownerId: z.string().nullable(),
  contactId: z.string().nullable(),
  companyId: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DealDto = z.infer<typeof dealSchema>;

const DECIMAL = /^\d{1,12}(\.\d{1,2})?$/;
// A JSON number must also print as such a decimal: 0.125 or 5e-324 would become a string this schema rejects.
const amount = z
  .union([
    z
      .number()
      .nonnegative()
      .max(999_999_999_999)
      .refine((n) => DECIMAL.test(String(n)), 'at most 2 decimal places'),
    z.string().regex(DECIMAL),
  ])
  .transform(String);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as RUB');

export const createDealRequestSchema = z.strictObject({
  title: nameSchema,
  stage: z.enum(DEAL_STAGES).default('new'),
  amount: amount.default('0'),
  currency: currency.default('RUB'),
  ownerId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().default(null),
  companyId: z.uuid().nullable().default(null),
});
export const updateDealRequestSchema = z.strictObject({
  title: nameSchema.optional(),
  stage: z.enum(DEAL_STAGES).optional(),
  amount: amount.optional(),
  currency: currency.optional(),
  ownerId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(),
  companyId: z.uuid().nullable().optional(),
});
export type CreateDealRequest = z.input<typeof createDealRequestSchema>;
export type UpdateDealRequest = z.input<typeof updateDealRequestSchema>;

/** Count and sum of deals per stage (and currency), over every deal the viewer may see — not just one page. */
export interface DealStageTotalDto {
  stage: (typeof DEAL_STAGES)[number];
  currency: string;
  count: number;
  /** Decimal string, like `DealDto.amount`. */
  amount: string;
}

export const DEAL_SORTS = ['createdAt', 'updatedAt', 'title', 'company', 'stage', 'amount'] as const;

export const dealListQuerySchema = z.strictObject({
  /** The title: any part, any case, е = ё. */
  q: z.string().trim().max(100).optional(),
  /** Default: newest first; `stage` sorts in pipeline order. */
  sort: z.enum(DEAL_SORTS).default('createdAt'),
  dir: sortDirSchema,
  stage: z.enum(DEAL_STAGES).optional(),
  contactId: z.uuid().optional(),
  companyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
