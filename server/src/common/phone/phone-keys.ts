import { lastTenDigits, type NormalizeOptions, toE164 } from '@telephony';

export type CountryCode = NonNullable<NormalizeOptions['defaultCountry']>;

export interface PhoneKeys {
  e164: string | null;
  /** Only for RU/KZ (+7) numbering, where the last ten digits identify a number regardless of prefix. */
  last10: string | null;
}

/** The keys a phone is stored and searched by: E.164 plus, for +7 numbers, the last ten digits. */
export function phoneKeys(raw: string, defaultCountry: string): PhoneKeys {
  const e164 = toE164(raw, { defaultCountry: defaultCountry as CountryCode });
  const plus7 = e164 ? e164.startsWith('+7') : defaultCountry === 'RU' || defaultCountry === 'KZ';
  return { e164, last10: plus7 ? lastTenDigits(e164 ?? raw) : null };
}
