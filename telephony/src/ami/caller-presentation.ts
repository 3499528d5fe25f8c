/**
 * Caller-ID presentation as Asterisk exports it through manager.conf `channelvars` (`CALLERID(num-pres)`, or
 * `CALLERPRES()`): names such as `allowed_not_screened`, `prohib_passed_screen`, `unavailable`, or the numeric
 * ITU octet (0x20 restricted, 0x40 not available). A carrier withholding a number with P-Asserted-Identity and
 * `Privacy: id` leaves the real number in AMI `CallerIDNum`; only the presentation says not to show it.
 */
export const PRESENTATION_VARIABLE = 'CALLERID(num-pres)';

/** True when the number must not be shown: restricted (`prohib…`) or not available. Unknown/absent: false. */
export function isWithheldPresentation(presentation: string | undefined): boolean {
  const value = (presentation ?? '').trim().toLowerCase();
  if (value === '') return false;
  if (/^\d+$/.test(value)) return (Number(value) & 0x60) !== 0;
  return value.startsWith('prohib') || value === 'unavailable';
}
