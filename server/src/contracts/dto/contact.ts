import { z } from 'zod';

import { nameSchema, sortDirSchema } from './common';
import { customFilterQuery, customValuesInputSchema } from './custom-field';

export const phoneInputSchema = z.strictObject({
  raw: z
    .string()
    .trim()
    .min(2)
    .max(40)
    .regex(/^[\d\s()+\-.]+$/, 'digits, spaces, + ( ) - . only'),
  label: z.string().trim().max(40).nullable().default(null),
});

export const contactPhoneSchema = z.object({
  raw: z.string(),
  e164: z.string().nullable(),
  label: z.string().nullable(),
});

export const contactSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  companyId: z.string().nullable(),
  ownerId: z.string().nullable(),
  doNotCall: z.boolean(),
  tags: z.array(z.string()),
  phones: z.array(contactPhoneSchema),
  /** Values of the contact custom fields in use, by key. */
  custom: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactDto = z.infer<typeof contactSchema>;

const tagsSchema = z.array(z.string().trim().min(1).max(40)).max(20);

export const createContactRequestSchema = z.strictObject({
  name: nameSchema,
  email: z.email().max(200).nullable().default(null),
  companyId: z.uuid().nullable().default(null),
  /** Defaults to the creating user. */
  ownerId: z.uuid().nullable().optional(),
  doNotCall: z.boolean().default(false),
  tags: tagsSchema.default([]),
  phones: z.array(phoneInputSchema).max(10).default([]),
  custom: customValuesInputSchema.optional(),
});
export type CreateContactRequest = z.input<typeof createContactRequestSchema>;

export const updateContactRequestSchema = z.strictObject({
  name: nameSchema.optional(),
  email: z.email().max(200).nullable().optional(),
  companyId: z.uuid().nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
  doNotCall: z.boolean().optional(),
  tags: tagsSchema.optional(),
  /** Replaces the whole list when present. */
  phones: z.array(phoneInputSchema).max(10).optional(),
  /** Only the keys given change; `null` clears a value. */
  custom: customValuesInputSchema.optional(),
});
export type UpdateContactRequest = z.input<typeof updateContactRequestSchema>;

export const CONTACT_SORTS = ['name', 'company', 'createdAt'] as const;

export const contactListQuerySchema = z.strictObject({
  /** Name, e-mail (any case, е = ё) or a number: whole in any format, or any part of its digits (3 or more). */
  q: z.string().trim().max(100).optional(),
  ownerId: z.uuid().optional(),
  companyId: z.uuid().optional(),
  /** Exact tag (case-sensitive, as stored). */
  tag: z.string().trim().min(1).max(40).optional(),
  ...customFilterQuery,
  sort: z.enum(CONTACT_SORTS).default('name'),
  dir: sortDirSchema,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
