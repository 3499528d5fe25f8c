import { z } from 'zod';

import { type CustomFieldDto, type CustomValues } from '@contracts/dto/custom-field';
import { type FieldIssue } from '@server/common/http/validate';
import { phoneKeys } from '@server/common/phone/phone-keys';

export type FieldDefinition = Pick<CustomFieldDto, 'key' | 'type' | 'required' | 'options' | 'labelEn'>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDate = (s: string) => ISO_DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/**
 * The schema of one field's value, built from its definition. Values are stored as JSON: text, phone, e-mail, URL,
 * select and date as strings (a date as `YYYY-MM-DD`), number as a number, multi-select as an array of option
 * values, checkbox as a boolean.
 */
export function valueSchema(def: FieldDefinition, country: string): z.ZodType {
  const choices = def.options.map((o) => o.value);
  switch (def.type) {
    case 'text':
      return z.string().trim().min(1).max(1000);
    case 'number':
      return z.number().finite().min(-1e15).max(1e15);
    case 'date':
      return z.string().refine(isCalendarDate, 'expected a date YYYY-MM-DD');
    case 'select':
      return z.string().refine((v) => choices.includes(v), `expected one of: ${choices.join(', ')}`);
    case 'multiselect':
      return z
        .array(z.string().refine((v) => choices.includes(v), `expected values among: ${choices.join(', ')}`))
        .max(choices.length)
        .refine((a) => new Set(a).size === a.length, 'each value once');
    case 'phone':
      return z
        .string()
        .trim()
        .max(40)
        .refine((v) => /^[\d\s()+\-.]+$/.test(v) && phoneKeys(v, country).e164 !== null, 'not a phone number');
    case 'email':
      return z.email().max(200);
    case 'url':
      return z.url({ protocol: /^https?$/ }).max(2000);
    case 'checkbox':
      return z.boolean();
  }
}

export interface ValidatedValues {
  /** The record's new `custom` object: the current one with the changes applied (null values removed). */
  stored: CustomValues;
  issues: FieldIssue[];
}

/**
 * Checks `input` against the active definitions and merges it into `current` (what the record stores, including
 * values of removed fields, which are kept untouched). `creating`: every required field must have a value;
 * updating: a required field may not be cleared. Issues name the field as `custom.<key>`.
 */
export function applyCustomValues(
  defs: readonly FieldDefinition[],
  input: CustomValues | undefined,
  current: CustomValues,
  opts: { creating: boolean; country: string },
): ValidatedValues {
  const issues: FieldIssue[] = [];
  const stored: CustomValues = { ...current };
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const [key, value] of Object.entries(input ?? {})) {
    const def = byKey.get(key);
    if (!def) {
      issues.push({ field: `custom.${key}`, message: 'Unknown field' });
      continue;
    }
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      if (def.required) issues.push({ field: `custom.${key}`, message: 'required' });
      delete stored[key];
      continue;
    }
    const parsed = valueSchema(def, opts.country).safeParse(value);
    if (parsed.success) stored[key] = parsed.data;
    else issues.push({ field: `custom.${key}`, message: parsed.error.issues[0]?.message ?? 'invalid' });
  }
  if (opts.creating) {
    for (const def of defs) {
      if (def.required && stored[def.key] === undefined && !issues.some((i) => i.field === `custom.${def.key}`)) {
        issues.push({ field: `custom.${def.key}`, message: 'required' });
      }
    }
  }
  return { stored, issues };
}

/** Only the values of active fields: what a record shows (removed fields' values stay stored, hidden). */
export function visibleValues(defs: readonly Pick<FieldDefinition, 'key'>[], stored: CustomValues): CustomValues {
  const out: CustomValues = {};
  for (const def of defs) if (stored[def.key] !== undefined) out[def.key] = stored[def.key];
  return out;
}

const YES = new Set(['1', 'true', 'yes', 'y', 'да', 'д', '+', 'x', 'v', '✓']);
const NO = new Set(['0', 'false', 'no', 'n', 'нет', 'н', '-', '']);
const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/**
 * A spreadsheet cell as a field's value (import): numbers with a comma or spaces, dates as `YYYY-MM-DD` or
 * `DD.MM.YYYY`, checkboxes as yes/no/да/нет/1/0, choices by value or by either label, several choices split by `;`
 * or `,`. Returns undefined for an empty cell; an unreadable cell is returned as it is, for validation to refuse.
 */
export function fromCell(def: FieldDefinition, cell: string): unknown {
  const text = cell.trim();
  if (!text) return undefined;
  const choice = (t: string) =>
    def.options.find((o) => [o.value, o.labelRu, o.labelEn].some((l) => l.toLowerCase() === t.toLowerCase()))?.value ??
    t;
  switch (def.type) {
    case 'number': {
      const n = Number(text.replace(/[\s\u00a0]/g, '').replace(',', '.'));
      return Number.isFinite(n) ? n : text;
    }
    case 'date': {
      const ru = RU_DATE.exec(text);
      return ru ? `${ru[3]}-${ru[2]!.padStart(2, '0')}-${ru[1]!.padStart(2, '0')}` : text;
    }
    case 'checkbox':
      return YES.has(text.toLowerCase()) ? true : NO.has(text.toLowerCase()) ? false : text;
    case 'select':
      return choice(text);
    case 'multiselect':
      return text
        .split(/[;,]/)
        .map((t) => t.trim())
        .filter(Boolean)
        .map(choice);
    default:
      return text;
  }
}

/** A value as a spreadsheet cell (export): the reverse of `fromCell` in the stored forms. */
export function toCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join('; ');
  if (typeof value === 'boolean') return value ? 'yes' : '';
  return String(value);
}
