import { z } from 'zod';

import { nameSchema, sortDirSchema } from './common';
import { currencySchema, moneySchema } from './deal';

/** A product of the catalogue; deals list products as line items (see `DealItemDto`). */
export const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Unique, compared without case ("ab-1" and "AB-1" are the same SKU). */
  sku: z.string(),
  /** Decimal string, e.g. "1500.00". */
  price: z.string(),
  currency: z.string(),
  /** An inactive product stays on the deals that have it but cannot be added to another. */
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProductDto = z.infer<typeof productSchema>;

/** Letters, digits and `-_./`, no spaces: an SKU is typed into spreadsheets and searched for as it is. */
export const skuSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._/-]*$/u, 'letters, digits and - _ . / only');

export const createProductRequestSchema = z.strictObject({
  name: nameSchema,
  sku: skuSchema,
  price: moneySchema,
  currency: currencySchema.default('RUB'),
  active: z.boolean().default(true),
});
export const updateProductRequestSchema = z.strictObject({
  name: nameSchema.optional(),
  sku: skuSchema.optional(),
  price: moneySchema.optional(),
  currency: currencySchema.optional(),
  active: z.boolean().optional(),
});
export type CreateProductRequest = z.input<typeof createProductRequestSchema>;
export type UpdateProductRequest = z.input<typeof updateProductRequestSchema>;

export const PRODUCT_SORTS = ['name', 'sku', 'price', 'createdAt'] as const;

export const productListQuerySchema = z.strictObject({
  /** Name or SKU: any part, any case. */
  q: z.string().trim().max(100).optional(),
  /** `true`: only products that can be added to a deal. */
  active: z.enum(['true', 'false']).optional(),
  sort: z.enum(PRODUCT_SORTS).default('name'),
  dir: sortDirSchema,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** The columns of the product export; the import reads the same header names, so an export can be re-imported. */
export const PRODUCT_COLUMNS = ['name', 'sku', 'price', 'currency', 'active'] as const;

/** `POST /api/products/import?fileName=`: the file is the raw body, like a contacts import. */
export const productImportQuerySchema = z.strictObject({ fileName: z.string().trim().min(1).max(200) });

/** Rows are matched by SKU: a new SKU is created, a known one updated (a price list re-imported). */
export const productImportResultSchema = z.object({
  created: z.number(),
  updated: z.number(),
  /** Rows not imported, by line as the spreadsheet shows it (the header is line 1), with the fields at fault. */
  problems: z.array(z.object({ line: z.number(), fields: z.array(z.string()) })),
});
export type ProductImportResultDto = z.infer<typeof productImportResultSchema>;
