import { phoneKeys } from '@server/common/phone/phone-keys';

/**
 * What a search box's text becomes, for the normalized columns of migration CreateSearchColumns (`search_text`
 * folded by `zv_fold`, `digits` / `phone_digits` holding a number's digits).
 */
export interface SearchTerms {
  /**
   * LIKE pattern (a substring) over `search_text`, wildcards in the text escaped; it still has to go through
   * `zv_fold` in SQL (see `foldedLike`). The trigram index serves it from three characters on; shorter text is
   * matched by reading the column. Null for empty text.
   */
  text: string | null;
  /** LIKE patterns over the digit columns, null unless the text looks like a number with three digits or more. */
  digits: string[] | null;
  /** A whole number's exact keys (E.164, and the last ten digits of a +7 number). */
  e164: string | null;
  last10: string | null;
}

const PHONE_LIKE = /^[\d\s()+\-.]+$/;
const MIN_DIGITS = 3;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const squash = (raw: string) => raw.trim().replace(/\s+/g, ' ');

/** The terms of text that is never a number (a deal's title). */
export function textTerms(raw: string): SearchTerms {
  const q = squash(raw);
  return { text: q ? `%${escapeLike(q)}%` : null, digits: null, e164: null, last10: null };
}

export function searchTerms(raw: string, defaultCountry: string): SearchTerms {
  const q = squash(raw);
  const { text } = textTerms(q);
  if (!PHONE_LIKE.test(q)) return { text, digits: null, e164: null, last10: null };
  const digits = q.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS) return { text, digits: null, e164: null, last10: null };
  const patterns = [`%${digits}%`];
  // "8 916 12…": the 8 is the RU/KZ trunk prefix, stored numbers hold +7 instead; so also "7916 12…" from the start.
  const trunk8 = (defaultCountry === 'RU' || defaultCountry === 'KZ') && q.startsWith('8') && digits.length > 1;
  if (trunk8) patterns.push(`7${digits.slice(1)}%`);
  const keys = phoneKeys(q, defaultCountry);
  return { text, digits: patterns, e164: keys.e164, last10: keys.last10 };
}

/** `column LIKE zv_fold(:param)`: the pattern is folded the way the column was (lower case, ё → е). */
export const foldedLike = (column: string, param: string) => `${column} LIKE zv_fold(:${param})`;

export interface Match {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * `alias.id IN (…)`: the rows of `table` whose `text` column holds the text, or whose `digits` column holds the
 * number or a part of it, or whose `exact` column is the whole number's E.164. A union of id sets, so each part is
 * read through its own index. Null when the terms can match nothing in these columns.
 */
export function matchIn(
  alias: string,
  table: string,
  terms: SearchTerms,
  columns: { text?: string; digits?: string; exact?: string },
  p: string,
): Match | null {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (columns.text && terms.text) {
    parts.push(`SELECT m.id FROM ${table} m WHERE ${foldedLike(`m.${columns.text}`, `${p}_text`)}`);
    params[`${p}_text`] = terms.text;
  }
  const phone: string[] = [];
  if (columns.digits) {
    terms.digits?.forEach((pattern, i) => {
      phone.push(`m.${columns.digits} LIKE :${p}_d${i}`);
      params[`${p}_d${i}`] = pattern;
    });
  }
  if (columns.exact && terms.e164) {
    phone.push(`m.${columns.exact} = :${p}_e164`);
    params[`${p}_e164`] = terms.e164;
  }
  if (phone.length) parts.push(`SELECT m.id FROM ${table} m WHERE ${phone.join(' OR ')}`);
  return parts.length ? { sql: `${alias}.id IN (${parts.join(' UNION ')})`, params } : null;
}
