import { type ImportField, type ImportIssue, type ImportMapping, type ImportRowReport } from '@contracts/dto/import';
import { phoneKeys } from '@server/common/phone/phone-keys';

/** Header names (lower-case, trimmed) we map automatically, Russian and English. */
const HEADER_GUESSES: Record<ImportField, RegExp> = {
  name: /^(name|full ?name|contact|имя|фио|ф\.и\.о\.?|контакт|наименование)$/,
  phone: /^(phones?|tel|telephone|mobile|phone number|телефоны?|номер|номер телефона|моб(ильный)?)$/,
  email: /^(e-?mail|email address|почта|эл\.? ?почта|электронная почта)$/,
  tags: /^(tags?|labels?|теги?|метки?)$/,
};

/** Columns named like a custom field (its key, or its label in either language), by key. */
export function suggestCustom(
  columns: string[],
  fields: readonly { key: string; labelRu: string; labelEn: string }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fields) {
    const names = [f.key, f.labelRu, f.labelEn].map((n) => n.trim().toLowerCase());
    const index = columns.findIndex((c) => names.includes(c.trim().toLowerCase()));
    if (index >= 0) out[f.key] = index;
  }
  return out;
}

export function suggestMapping(columns: string[]): Partial<Record<ImportField, number>> {
  const mapping: Partial<Record<ImportField, number>> = {};
  for (const field of Object.keys(HEADER_GUESSES) as ImportField[]) {
    const index = columns.findIndex((c) => HEADER_GUESSES[field].test(c.trim().toLowerCase()));
    if (index >= 0) mapping[field] = index;
  }
  return mapping;
}

export interface ParsedPhone {
  raw: string;
  e164: string | null;
  last10: string | null;
}

export interface CheckedRow {
  line: number;
  name: string;
  phoneText: string;
  phones: ParsedPhone[];
  email: string | null;
  tags: string[];
  /** Raw cells of the mapped custom fields, by key (converted and checked by the custom-fields rules). */
  custom: Record<string, string>;
  issues: ImportIssue[];
  duplicateOfLine?: number;
  customFields?: string[];
}

const MAX_PHONES = 10;
const MAX_TAGS = 20;
const PHONE_CHARS = /^[\d\s()+\-.]+$/;
// Same shape zod's z.email() accepts for the common cases; the server re-validates on insert anyway.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const cell = (row: string[], index: number | null) => (index === null ? '' : (row[index] ?? '').trim());

/** Spreadsheet exports sometimes protect phones from formula parsing with a leading apostrophe. */
const unquote = (s: string) => (s.startsWith("'") ? s.slice(1).trim() : s);

/**
 * Validates one data row against the mapping. Several numbers in one cell may be separated by `;`,
 * `,` or new lines. A number must have only phone characters and be a possible number for the
 * default country (8…, +7…, or any +country form).
 */
export function checkRow(row: string[], line: number, mapping: ImportMapping, defaultCountry: string): CheckedRow {
  const issues: ImportIssue[] = [];
  const name = cell(row, mapping.name);
  if (!name) issues.push('missing-name');
  else if (name.length > 200) issues.push('name-too-long');

  const phoneText = cell(row, mapping.phone);
  const raws = phoneText
    .split(/[;,\n]/)
    .map((p) => unquote(p.trim()))
    .filter(Boolean);
  const phones: ParsedPhone[] = [];
  if (raws.length === 0) issues.push('missing-phone');
  else if (raws.length > MAX_PHONES) issues.push('too-many-phones');
  for (const raw of raws.slice(0, MAX_PHONES)) {
    const keys = PHONE_CHARS.test(raw) && raw.length <= 40 ? phoneKeys(raw, defaultCountry) : null;
    if (!keys?.e164) {
      if (!issues.includes('bad-phone')) issues.push('bad-phone');
      continue;
    }
    phones.push({ raw, ...keys });
  }

  const emailText = cell(row, mapping.email);
  if (emailText && (!EMAIL.test(emailText) || emailText.length > 200)) issues.push('bad-email');

  const tags = [
    ...new Set(
      cell(row, mapping.tags)
        .split(/[;,]/)
        .map((t) => t.trim().slice(0, 40))
        .filter(Boolean),
    ),
  ];
  if (tags.length > MAX_TAGS) issues.push('too-many-tags');

  const custom: Record<string, string> = {};
  for (const [key, index] of Object.entries(mapping.custom)) custom[key] = cell(row, index);

  return { line, name, phoneText, phones, email: emailText || null, tags, custom, issues };
}

/** Numbers already on contacts, each mapped to whether the importer may see (one of) the contacts holding it. */
export interface ExistingPhones {
  e164: ReadonlyMap<string, boolean>;
  last10: ReadonlyMap<string, boolean>;
}

/** The keys duplicate detection compares: E.164, and the last ten digits for +7 numbers. */
export function rowKeys(row: Pick<CheckedRow, 'phones'>): string[] {
  const keys = new Set<string>();
  for (const p of row.phones) {
    if (p.e164) keys.add(`e:${p.e164}`);
    if (p.last10) keys.add(`l:${p.last10}`);
  }
  return [...keys];
}

/**
 * Marks duplicates in file order. A row that is otherwise valid is a duplicate when one of its
 * numbers already belongs to a contact (`existing`) or to an earlier valid row of the same file —
 * the first occurrence wins and is imported. Invalid rows never "claim" a number, because they are
 * not imported. A number only on contacts the importer may not see is `duplicate-not-visible`: the import
 * still refuses it (one number, one client), but says nothing of whose it is. Returns new rows; the input is
 * not changed.
 */
export function markDuplicates(rows: CheckedRow[], existing: ExistingPhones): CheckedRow[] {
  const claimed = new Map<string, number>();
  return rows.map((row) => {
    if (row.issues.length > 0) return row;
    // true / false: held by a contact the importer may / may not see; undefined: not in the CRM.
    const inDb = row.phones
      .flatMap((p) => [
        p.e164 ? existing.e164.get(p.e164) : undefined,
        p.last10 ? existing.last10.get(p.last10) : undefined,
      ])
      .filter((visible) => visible !== undefined);
    if (inDb.length > 0)
      return { ...row, issues: [inDb.includes(true) ? 'duplicate-existing' : 'duplicate-not-visible'] };
    const keys = rowKeys(row);
    const earlier = keys.map((k) => claimed.get(k)).find((line) => line !== undefined);
    if (earlier !== undefined) return { ...row, issues: ['duplicate-in-file'], duplicateOfLine: earlier };
    for (const k of keys) claimed.set(k, row.line);
    return row;
  });
}

/** Every E.164 and last-10 key of the rows, for one database look-up of existing contacts. */
export function lookupKeys(rows: CheckedRow[]): { e164: string[]; last10: string[] } {
  const e164 = new Set<string>();
  const last10 = new Set<string>();
  for (const row of rows) {
    for (const p of row.phones) {
      if (p.e164) e164.add(p.e164);
      if (p.last10) last10.add(p.last10);
    }
  }
  return { e164: [...e164], last10: [...last10] };
}

export const isDuplicateIssue = (issue: ImportIssue) => issue.startsWith('duplicate-');

/** A row that was not imported, as the row report shows it (the contacts import and campaign call lists). */
export function report(row: CheckedRow, status: ImportRowReport['status']): ImportRowReport {
  const out: ImportRowReport = { line: row.line, name: row.name, phone: row.phoneText, status, issues: row.issues };
  if (row.duplicateOfLine !== undefined) out.duplicateOfLine = row.duplicateOfLine;
  if (row.customFields?.length) out.customFields = row.customFields;
  return out;
}
