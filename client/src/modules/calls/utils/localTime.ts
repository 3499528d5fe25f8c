import { timeZoneOf } from '@contracts/phone-time-zone';

export { timeZoneOf };

/** "14:05" in the caller's zone, or null when the zone is unknown. */
export function localTimeOf(e164: string | null, at: Date, locale: 'ru' | 'en'): string | null {
  const timeZone = timeZoneOf(e164);
  if (!timeZone) return null;
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}
