import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * The caller's time zone guessed from the number. Russia spans eleven zones, so for RU the geographic (ABC)
 * code decides; mobile (9xx) numbers are not tied to a region, so they get none rather than a wrong guess.
 * Other countries: the zone of single-zone countries operators call most; anything else is unknown.
 */
const COUNTRY_ZONES: Record<string, string> = {
  BY: 'Europe/Minsk',
  UA: 'Europe/Kyiv',
  AM: 'Asia/Yerevan',
  GE: 'Asia/Tbilisi',
  AZ: 'Asia/Baku',
  UZ: 'Asia/Tashkent',
  KG: 'Asia/Bishkek',
  TJ: 'Asia/Dushanbe',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
  IT: 'Europe/Rome',
  ES: 'Europe/Madrid',
  GB: 'Europe/London',
  FI: 'Europe/Helsinki',
  TR: 'Europe/Istanbul',
  IL: 'Asia/Jerusalem',
  CN: 'Asia/Shanghai',
  AE: 'Asia/Dubai',
};

/** Russian ABC codes (first three national digits) whose zone differs from Moscow; prefixes checked longest first. */
const RU_ZONES: [prefix: string, zone: string][] = [
  ['401', 'Europe/Kaliningrad'],
  ['842', 'Europe/Ulyanovsk'],
  ['845', 'Europe/Saratov'],
  ['846', 'Europe/Samara'],
  ['848', 'Europe/Samara'],
  ['851', 'Europe/Astrakhan'],
  ['341', 'Europe/Samara'],
  ['301', 'Asia/Irkutsk'],
  ['302', 'Asia/Chita'],
  ['381', 'Asia/Omsk'],
  ['382', 'Asia/Tomsk'],
  ['383', 'Asia/Novosibirsk'],
  ['384', 'Asia/Novokuznetsk'],
  ['385', 'Asia/Barnaul'],
  ['388', 'Asia/Barnaul'],
  ['39', 'Asia/Krasnoyarsk'],
  ['395', 'Asia/Irkutsk'],
  ['34', 'Asia/Yekaterinburg'],
  ['35', 'Asia/Yekaterinburg'],
  ['411', 'Asia/Yakutsk'],
  ['413', 'Asia/Magadan'],
  ['415', 'Asia/Kamchatka'],
  ['416', 'Asia/Yakutsk'],
  ['421', 'Asia/Vladivostok'],
  ['423', 'Asia/Vladivostok'],
  ['424', 'Asia/Sakhalin'],
  ['426', 'Asia/Vladivostok'],
  ['427', 'Asia/Anadyr'],
];

export function timeZoneOf(e164: string | null): string | null {
  if (!e164) return null;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.country) return null;
  if (parsed.country !== 'RU') return COUNTRY_ZONES[parsed.country] ?? null;
  const national = String(parsed.nationalNumber);
  if (national.startsWith('9')) return null;
  const match = RU_ZONES.filter(([prefix]) => national.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  return match ? match[1] : 'Europe/Moscow';
}
