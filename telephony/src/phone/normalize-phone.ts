import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

import type { Party } from '@telephony/model/call-event';

const ANONYMOUS = /^(anonymous|restricted|unavailable|unknown|private|withheld|<unknown>|)$/i;

export interface NormalizeOptions {
  /** Region used for national numbers; RU by default (8-prefix trunk code). */
  defaultCountry?: CountryCode;
  /** Internal extensions (operators, supervisors) match this and are never treated as E.164. */
  extensionPattern?: RegExp;
}

const DEFAULT_EXTENSION = /^\d{2,5}$/;

/**
 * Turns whatever a PBX or a user typed into E.164, or null when it is not a dialable public number.
 * Handles +7, 8 (RU trunk prefix), 7 without plus, 00 and 810 international prefixes, and punctuation.
 */
export function toE164(input: string, options: NormalizeOptions = {}): string | null {
  const country = options.defaultCountry ?? 'RU';
  const key = `${country} ${input}`;
  const known = parsed.get(key);
  if (known !== undefined) return known;
  if (parsed.size >= PARSED_MAX) parsed.clear();
  const e164 = parseE164(input, country);
  parsed.set(key, e164);
  return e164;
}

/**
 * Numbers already parsed: libphonenumber's parse was the costliest step of a call's caller ID, and a call repeats
 * its caller's number in every event (the AMI tracker and the pipeline both normalize it). Cleared when full.
 */
const parsed = new Map<string, string | null>();
const PARSED_MAX = 10_000;

function parseE164(input: string, country: CountryCode): string | null {
  let s = input
    .trim()
    .replace(/^(sip|tel):/i, '')
    .replace(/@.*$/, '');
  if (/[a-z]/i.test(s.replace(/^\+/, ''))) return null;
  s = s.replace(/[^\d+]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  else if (country === 'RU' && s.startsWith('810') && s.length > 11) s = `+${s.slice(3)}`;
  else if (country === 'RU' && /^7\d{10}$/.test(s)) s = `+${s}`;
  const number = parsePhoneNumberFromString(s, country);
  if (!number || !number.isPossible()) return null;
  return number.number;
}

/** Last ten national digits: the RU fallback key when a stored number was saved in an odd form. */
export function lastTenDigits(input: string): string | null {
  const digits = input.replace(/\D/g, '');
  return digits.length >= 10 ? digits.slice(-10) : null;
}

/** Builds a `Party` from a caller-ID number and name as the PBX reported them. */
export function toParty(rawNumber: string | undefined, rawName?: string, options: NormalizeOptions = {}): Party {
  const raw = (rawNumber ?? '').trim();
  const name = rawName && !ANONYMOUS.test(rawName.trim()) && rawName.trim() !== raw ? rawName.trim() : null;
  if (ANONYMOUS.test(raw)) return { raw, e164: null, extension: null, name, anonymous: true };
  if ((options.extensionPattern ?? DEFAULT_EXTENSION).test(raw)) {
    return { raw, e164: null, extension: raw, name, anonymous: false };
  }
  return { raw, e164: toE164(raw, options), extension: null, name, anonymous: false };
}
