import { describe, expect, it } from 'vitest';

import { isWithheldPresentation } from '@telephony/ami/caller-presentation';

describe('caller-ID presentation', () => {
  it.each(['prohib_not_screened', 'prohib_passed_screen', 'prohib_failed_screen', 'prohib', 'unavailable', 'PROHIB'])(
    '%s withholds the number',
    (value) => expect(isWithheldPresentation(value)).toBe(true),
  );
  it.each(['allowed_not_screened', 'allowed_passed_screen', 'allowed', '', undefined])('%s shows it', (value) =>
    expect(isWithheldPresentation(value)).toBe(false),
  );
  it('reads the numeric ITU octet: 0x20 restricted, 0x40 not available, 0x00-0x03 allowed', () => {
    expect([0, 1, 3, 32, 35, 67].map((n) => isWithheldPresentation(String(n)))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});
