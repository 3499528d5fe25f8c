import { z } from 'zod';

import { nameSchema, sortDirSchema } from './common';
import { customFilterQuery, customValuesInputSchema } from './custom-field';
import { STAGE_KEY } from './pipeline';

/** The default pipeline's stages as they were fixed before pipelines (keys of its stages since the migration). */
export const DEFAULT_PIPELINE_STAGES = ['new', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

const stageKey = z.string().regex(STAGE_KEY, 'a stage key of the pipeline');

export const dealSchema = z.object({
  id: z.string(),
  title: z.string(),
  pipelineId: z.string(),
  /** The key of the deal's stage in its pipeline (see GET /api/pipelines). */
  stage: z.string(),
  /** Decimal string, e.g. "125000.00". */
  amount: z.string(),
  currency: z.string(),
  ownerId: z.string().nullable(),
  contactId: z.string().nullable(),
  companyId: z.string().nullable(),
  closedAt: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DealDto = z.infer<typeof dealSchema>;

const DECIMAL = /^\d{1,12}(\.\d{1,2})?$/;
/** Money in: a number or a decimal string, ≥ 0, at most 2 decimal places; out: the decimal string (deals, products). */
// A JSON number must also print as such a decimal: 0.125 or 5e-324 would become a string this schema rejects.
export const moneySchema = z
  .union([
    z
      .number()
      .nonnegative()
      .max(999_999_999_999)
      .refine((n) => DECIMAL.test(String(n)), 'at most 2 decimal places'),
    z.string().regex(DECIMAL),
  ])
  .transform(String);
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as RUB');

export const createDealRequestSchema = z.strictObject({
  title: nameSchema,
  /** Default: the default pipeline. */
  pipelineId: z.uuid().optional(),
  /** Default: the pipeline's first open stage. */
  stage: stageKey.optional(),
  amount: moneySchema.default('0'),
  currency: currencySchema.default('RUB'),
  ownerId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().default(null),
  companyId: z.uuid().nullable().default(null),
  custom: customValuesInputSchema.optional(),
});
/** Moving a deal to another pipeline without a stage puts it on that pipeline's first open stage. */
export const updateDealRequestSchema = z.strictObject({
  title: nameSchema.optional(),
  pipelineId: z.uuid().optional(),
  stage: stageKey.optional(),
  /** Refused (409) while the deal has line items: its amount is their sum then. */
  amount: moneySchema.optional(),
  currency: currencySchema.optional(),
  ownerId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(),
  companyId: z.uuid().nullable().optional(),
  custom: customValuesInputSchema.optional(),
});
export type CreateDealRequest = z.input<typeof createDealRequestSchema>;
export type UpdateDealRequest = z.input<typeof updateDealRequestSchema>;

/** Count and sum of deals per stage (and currency), over every deal the viewer may see — not just one page. */
export interface DealStageTotalDto {
  pipelineId: string;
  stage: string;
  currency: string;
  count: number;
  /** Decimal string, like `DealDto.amount`. */
  amount: string;
}

/** `GET /api/deals/:id/history`: every stage the deal entered, who moved it and when, newest first. */
export const dealStageChangeSchema = z.object({
  id: z.string(),
  /** Both null for the deal's creation (it entered `toStage` then). A stage is a key of its pipeline. */
  fromPipelineId: z.string().nullable(),
  fromStage: z.string().nullable(),
  toPipelineId: z.string(),
  toStage: z.string(),
  by: z.object({ id: z.string(), name: z.string() }).nullable(),
  at: z.string(),
});
export type DealStageChangeDto = z.infer<typeof dealStageChangeSchema>;

export const DEAL_SORTS = ['createdAt', 'updatedAt', 'title', 'company', 'stage', 'amount'] as const;

export const dealListQuerySchema = z.strictObject({
  /** The title: any part, any case, е = ё. */
  q: z.string().trim().max(100).optional(),
  /** Default: newest first; `stage` sorts in pipeline order (its stages' order). */
  sort: z.enum(DEAL_SORTS).default('createdAt'),
  dir: sortDirSchema,
  pipelineId: z.uuid().optional(),
  stage: stageKey.optional(),
  ...customFilterQuery,
  contactId: z.uuid().optional(),
  companyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** `GET /api/deals/stage-totals?pipelineId=` (default: every pipeline). */
export const dealStageTotalsQuerySchema = z.strictObject({ pipelineId: z.uuid().optional() });

/** A deal's line item (deal_items, owned by deals): the product, how many, and its price when it was added. */
export const dealItemSchema = z.object({
  id: z.string(),
  productId: z.string(),
  /** The product's name and SKU now (the price is the one copied when the item was added). */
  name: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  /** Decimal string: the product's price when the item was added; later price changes do not touch it. */
  unitPrice: z.string(),
  /** Decimal string: quantity × unit price. */
  total: z.string(),
});
export type DealItemDto = z.infer<typeof dealItemSchema>;

/** Every items route answers the deal's items and its amount (their sum while there are any). */
export const dealItemsSchema = z.object({
  items: z.array(dealItemSchema),
  amount: z.string(),
  currency: z.string(),
});
export type DealItemsDto = z.infer<typeof dealItemsSchema>;

const quantity = z.coerce.number().int().min(1).max(1_000_000);
export const addDealItemRequestSchema = z.strictObject({ productId: z.uuid(), quantity: quantity.default(1) });
export type AddDealItemRequest = z.input<typeof addDealItemRequestSchema>;
export const updateDealItemRequestSchema = z.strictObject({ quantity });
export const dealItemParamsSchema = z.strictObject({ id: z.uuid(), itemId: z.uuid() });
