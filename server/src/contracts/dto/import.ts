import { z } from 'zod';

import { CUSTOM_FIELD_KEY, customFilterQuery } from './custom-field';

/** Contact fields an uploaded column can be mapped to. */
export const IMPORT_FIELDS = ['name', 'phone', 'email', 'tags'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Limits checked by the server (and shown by the client before uploading). */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 10_000;
/** A non-empty cell further right than this refuses the file (empty trailing cells are ignored). */
export const IMPORT_MAX_COLUMNS = 200;

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const columnIndex = z
  .number()
  .int()
  .min(0)
  .max(IMPORT_MAX_COLUMNS - 1);

/** Column index per field; name and phone are required, the rest may be left unmapped (null). */
export const importMappingSchema = z.strictObject({
  name: columnIndex,
  phone: columnIndex,
  email: columnIndex.nullable().default(null),
  tags: columnIndex.nullable().default(null),
  /** Column per contact custom field key. */
  custom: z.record(z.string().regex(CUSTOM_FIELD_KEY), columnIndex).default({}),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;
export type ImportMappingInput = z.input<typeof importMappingSchema>;

export const startImportRequestSchema = z.strictObject({ mapping: importMappingSchema });
export type StartImportRequest = z.input<typeof startImportRequestSchema>;

export const uploadImportQuerySchema = z.strictObject({
  fileName: z.string().trim().min(1).max(200),
});

/**
 * Why a row was not imported. `duplicate-in-file` points at the earlier row (`duplicateOfLine`);
 * `duplicate-existing` means a contact the importer may see already has that number; `duplicate-not-visible` that
 * a contact the importer may not see has it (which one, and whose, is not said).
 */
export const IMPORT_ISSUES = [
  'missing-name',
  'name-too-long',
  'missing-phone',
  'bad-phone',
  'too-many-phones',
  'bad-email',
  'too-many-tags',
  'bad-custom-field',
  'duplicate-in-file',
  'duplicate-existing',
  'duplicate-not-visible',
] as const;
export type ImportIssue = (typeof IMPORT_ISSUES)[number];

export interface ImportRowReport {
  /** Line in the uploaded sheet, counting the header as line 1 — what the user sees in Excel. */
  line: number;
  name: string;
  phone: string;
  status: 'imported' | 'invalid' | 'duplicate' | 'failed';
  issues: ImportIssue[];
  duplicateOfLine?: number;
  /** With `bad-custom-field`: the keys whose cells were refused (wrong type, not an option, missing required). */
  customFields?: string[];
}

export interface ImportPreviewDto {
  id: string;
  fileName: string;
  format: ImportFormat;
  columns: string[];
  /** The first few data rows, to check the mapping against. */
  sample: string[][];
  rowCount: number;
  /** Guessed from the header names (ru/en); the user may change it. */
  suggestedMapping: Partial<Record<ImportField, number>>;
  /** Columns whose header is a contact custom field's key or label, by key. */
  suggestedCustom: Record<string, number>;
}

export interface ImportJobDto {
  id: string;
  fileName: string;
  status: 'uploaded' | 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  imported: number;
  invalid: number;
  duplicates: number;
  /** Every row that was not imported (plus failures), in file order. */
  problems: ImportRowReport[];
}

export const exportContactsQuerySchema = z.strictObject({
  format: z.enum(IMPORT_FORMATS).default('csv'),
  q: z.string().trim().max(100).optional(),
  ownerId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(40).optional(),
  ...customFilterQuery,
});
export type ExportContactsQuery = z.input<typeof exportContactsQuerySchema>;
