import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

import { type Locale } from '@client/i18n/i18n';

/**
 * Formats a stored number (normally E.164) for display. Russian numbers are shown the way people
 * dial them in the Russian UI (8 (912) 345-67-89) and internationally otherwise; anything that
 * does not parse (extensions, garbage from the PBX) is shown as given.
 */
export function formatPhone(value: string | null | undefined, locale: Locale): string {
  if (!value) return '';
  const parsed = parsePhoneNumberFromString(value, 'RU');
  if (!parsed || !parsed.isPossible()) return value;
  if (parsed.country === 'RU' && locale === 'ru') return parsed.formatNational();
  return parsed.formatInternational();
}

/** `tel:` URI for a stored number, so a click dials through the OS / softphone handler. */
export function phoneHref(value: string): string {
  const parsed = parsePhoneNumberFromString(value, 'RU');
  return parsed ? parsed.getURI() : `tel:${value.replace(/[^\d+]/g, '')}`;
}

const tag = (locale: Locale) => (locale === 'ru' ? 'ru-RU' : 'en-GB');

export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatDate(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium' }).format(date);
}

/**
 * A time zone as a person names it, in their language, with its offset: "Москва, стандартное время (GMT+3)" for
 * `Europe/Moscow` (the browser's CLDR names); UTC itself stays "UTC". The IANA id remains the value sent to servers.
 */
export function formatTimeZone(zone: string, locale: Locale, at: Date = new Date()): string {
  const part = (timeZoneName: 'longGeneric' | 'shortOffset') => {
    try {
      return new Intl.DateTimeFormat(tag(locale), { timeZone: zone, timeZoneName })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value;
    } catch {
      return undefined; // a zone this browser does not know: show the id
    }
  };
  const name = part('longGeneric');
  if (!name) return zone;
  if (name.startsWith('GMT')) return zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : name;
  return `${name} (${part('shortOffset') ?? ''})`;
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(tag(locale)).format(value);
}

/** Whole units by default (totals, the kanban); `fractionDigits: 2` where kopeks matter (prices, line items). */
export function formatMoney(
  amount: number | string | null | undefined,
  locale: Locale,
  currency = 'RUB',
  fractionDigits: 0 | 2 = 0,
): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const value = typeof amount === 'string' ? Number(amount) : amount;
  if (!Number.isFinite(value)) return String(amount);
  return new Intl.NumberFormat(tag(locale), {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

/** Call durations: m:ss below an hour, h:mm:ss above — what operators read on wallboards. */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined || totalSeconds < 0) return '';
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
