import { z } from 'zod';

export const CUSTOM_FIELD_ENTITIES = ['contact', 'company', 'lead', 'deal'] as const;
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'date',
  'select',
  'multiselect',
  'phone',
  'email',
  'url',
  'checkbox',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** Identifier of a field inside the record's `custom` object, in exports and in list filters. */
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;

const label = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const customFieldOptionSchema = z.strictObject({
  /** Stored value; unique within the field. */
  value: z.string().trim().min(1).max(100),
  labelRu: label,
  labelEn: label,
});
export type CustomFieldOption = z.infer<typeof customFieldOptionSchema>;

export interface CustomFieldDto {
  id: string;
  entity: CustomFieldEntity;
  key: string;
  type: CustomFieldType;
  labelRu: string;
  labelEn: string;
  required: boolean;
  position: number;
  /** The choices of select and multi-select fields. */
  options: CustomFieldOption[];
  /** Shown on the screen-pop card (contacts). */
  onCard: boolean;
  /** Removed fields keep their values until purged; null while the field is in use. */
  removedAt: string | null;
}

const hasChoices = (type: CustomFieldType) => type === 'select' || type === 'multiselect';
const optionsFit = (v: { type?: CustomFieldType; options?: CustomFieldOption[] }) =>
  v.type === undefined ||
  v.options === undefined ||
  (hasChoices(v.type) ? v.options.length > 0 : v.options.length === 0);
const optionsUnique = (v: { options?: CustomFieldOption[] }) =>
  !v.options || new Set(v.options.map((o) => o.value)).size === v.options.length;

export const createCustomFieldRequestSchema = z
  .strictObject({
    entity: z.enum(CUSTOM_FIELD_ENTITIES),
    key: z.string().regex(CUSTOM_FIELD_KEY, 'latin lower-case letters, digits and _, starting with a letter'),
    type: z.enum(CUSTOM_FIELD_TYPES),
    labelRu: label,
    labelEn: label,
    required: z.boolean().default(false),
    position: z.number().int().min(0).max(10_000).default(0),
    options: z.array(customFieldOptionSchema).max(100).default([]),
    onCard: z.boolean().default(false),
  })
  .refine(optionsFit, { message: 'select fields need options; other types take none', path: ['options'] })
  .refine(optionsUnique, { message: 'option values must differ', path: ['options'] });
export type CreateCustomFieldRequest = z.input<typeof createCustomFieldRequestSchema>;

/** Entity, key and type stay as created: stored values depend on them. */
export const updateCustomFieldRequestSchema = z
  .strictObject({
    labelRu: label.optional(),
    labelEn: label.optional(),
    required: z.boolean().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
    options: z.array(customFieldOptionSchema).max(100).optional(),
    onCard: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one field' })
  .refine(optionsUnique, { message: 'option values must differ', path: ['options'] });
export type UpdateCustomFieldRequest = z.input<typeof updateCustomFieldRequestSchema>;

export const customFieldListQuerySchema = z.strictObject({
  entity: z.enum(CUSTOM_FIELD_ENTITIES).optional(),
  /** Also the removed fields whose values are kept (admins purge them). */
  includeRemoved: z.enum(['true', 'false']).default('false'),
});

/**
 * Values of a record's custom fields by key, as sent in create/update bodies: checked on the server against the
 * definitions (type, options, required); `null` clears a value. Unknown keys are refused.
 */
export const customValuesInputSchema = z
  .record(z.string().max(40), z.unknown())
  .refine((v) => Object.keys(v).length <= 100, {
    message: 'at most 100 fields',
  });
export type CustomValues = Record<string, unknown>;

/** `cfKey`/`cfValue` on list endpoints: records whose field `cfKey` equals (text: contains) `cfValue`. */
export const customFilterQuery = {
  cfKey: z.string().regex(CUSTOM_FIELD_KEY).optional(),
  cfValue: z.string().trim().min(1).max(200).optional(),
};
