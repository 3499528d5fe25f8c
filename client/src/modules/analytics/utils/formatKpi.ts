import { type Locale } from '@client/i18n/i18n';

const tag = (locale: Locale) => (locale === 'ru' ? 'ru-RU' : 'en-GB');

/** 0..1 → "42,9 %" / "42.9%"; null (no data) → "—", never "0 %". */
export function formatShare(value: number | null, locale: Locale): string {
  if (value === null) return '—';
  return new Intl.NumberFormat(tag(locale), { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

export function formatSeconds(value: number | null, locale: Locale): string {
  if (value === null) return '—';
  return `${new Intl.NumberFormat(tag(locale), { maximumFractionDigits: 1 }).format(value)} ${locale === 'ru' ? 'с' : 's'}`;
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(tag(locale)).format(value);
}

/** A stay of seconds to days: in the largest unit that keeps it at least 1 (Intl's own unit names per locale). */
export function formatStay(seconds: number | null, locale: Locale): string {
  if (seconds === null) return '—';
  const [value, unit] =
    seconds >= 86_400
      ? [seconds / 86_400, 'day']
      : seconds >= 3600
        ? [seconds / 3600, 'hour']
        : [seconds / 60, 'minute'];
  return new Intl.NumberFormat(tag(locale), {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(value);
}
