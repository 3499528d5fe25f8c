import { phoneKeys, type PhoneKeys } from '@server/common/phone/phone-keys';

const EXTENSION = /^\d{2,6}$/;

/** What a user asked to dial: an internal extension, or an outside number with its lookup keys. */
export type DialDestination =
  { kind: 'extension'; extension: string } | ({ kind: 'number' } & PhoneKeys & { e164: string });

/**
 * A destination as typed (`8 (916) 123-45-67`, `+7…`, `1002`): 2–6 digits are an extension, anything else must be
 * a number that parses to E.164. Null when it is neither.
 */
export function dialDestination(raw: string, defaultCountry: string): DialDestination | null {
  const compact = raw.replace(/[\s()-]/g, '');
  if (EXTENSION.test(compact)) return { kind: 'extension', extension: compact };
  const keys = phoneKeys(raw, defaultCountry);
  return keys.e164 ? { kind: 'number', e164: keys.e164, last10: keys.last10 } : null;
}
