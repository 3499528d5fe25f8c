import { describe, expect, it } from 'vitest';

import { localTimeOf, timeZoneOf } from '@client/modules/calls/utils/localTime';

describe('timeZoneOf', () => {
  it('places Russian landlines by their area code', () => {
    expect(timeZoneOf('+74951234567')).toBe('Europe/Moscow');
    expect(timeZoneOf('+73432123456')).toBe('Asia/Yekaterinburg');
    expect(timeZoneOf('+73832123456')).toBe('Asia/Novosibirsk');
    expect(timeZoneOf('+74232123456')).toBe('Asia/Vladivostok');
    expect(timeZoneOf('+74012123456')).toBe('Europe/Kaliningrad');
    expect(timeZoneOf('+73912123456')).toBe('Asia/Krasnoyarsk');
    expect(timeZoneOf('+73952123456')).toBe('Asia/Irkutsk');
  });

  it('does not guess for Russian mobiles, unknown countries or missing numbers', () => {
    expect(timeZoneOf('+79161234567')).toBeNull();
    expect(timeZoneOf('+12025550123')).toBeNull();
    expect(timeZoneOf(null)).toBeNull();
    expect(timeZoneOf('1004')).toBeNull();
  });

  it('knows single-zone countries', () => {
    expect(timeZoneOf('+375291234567')).toBe('Europe/Minsk');
    expect(timeZoneOf('+493012345678')).toBe('Europe/Berlin');
  });
});

describe('localTimeOf', () => {
  it("formats the caller's wall clock time", () => {
    const at = new Date('2026-11-23T10:00:00Z');
    expect(localTimeOf('+74951234567', at, 'ru')).toBe('13:00');
    expect(localTimeOf('+74232123456', at, 'en')).toBe('20:00');
    expect(localTimeOf('+79161234567', at, 'ru')).toBeNull();
  });
});
