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
