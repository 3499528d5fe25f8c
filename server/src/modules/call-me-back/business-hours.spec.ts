import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type Hours, instantOf, isOpen, localTime, nextOpening } from './business-hours';

const weekdays = [
  { from: '09:00', to: '13:00' },
  { from: '14:00', to: '18:00' },
];
const MOSCOW: Hours = {
  timeZone: 'Europe/Moscow',
  week: { 1: weekdays, 2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays, 6: [{ from: '10:00', to: '15:00' }], 7: [] },
  holidays: ['2026-12-31', '2027-01-01'],
};

describe('business hours', () => {
  it('is open inside a range, closed at lunch, at its end, on Sundays and on holidays (Moscow wall clock)', () => {
    expect(isOpen(MOSCOW, new Date('2026-12-01T06:00:00Z'))).toBe(true); // Tue 09:00 MSK
    expect(isOpen(MOSCOW, new Date('2026-12-01T05:59:00Z'))).toBe(false); // 08:59
    expect(isOpen(MOSCOW, new Date('2026-12-01T10:30:00Z'))).toBe(false); // 13:30 lunch
    expect(isOpen(MOSCOW, new Date('2026-12-01T15:00:00Z'))).toBe(false); // 18:00: the end is closed
    expect(isOpen(MOSCOW, new Date('2026-12-06T09:00:00Z'))).toBe(false); // Sunday
    expect(isOpen(MOSCOW, new Date('2026-12-31T09:00:00Z'))).toBe(false); // holiday (a Thursday)
    expect(isOpen(null, new Date('2026-12-06T03:00:00Z'))).toBe(true); // no hours: always open
  });

  it('next opening: now when open, after lunch, next morning, Saturday’s late start, past holidays', () => {
    const open = new Date('2026-12-01T07:00:00Z');
    expect(nextOpening(MOSCOW, open)).toEqual(open);
    expect(nextOpening(MOSCOW, new Date('2026-12-01T10:30:00Z'))?.toISOString()).toBe('2026-12-01T11:00:00.000Z');
    expect(nextOpening(MOSCOW, new Date('2026-12-01T16:00:00Z'))?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
    expect(nextOpening(MOSCOW, new Date('2026-12-04T16:00:00Z'))?.toISOString()).toBe('2026-12-05T07:00:00.000Z');
    expect(nextOpening(MOSCOW, new Date('2026-12-05T13:00:00Z'))?.toISOString()).toBe('2026-12-07T06:00:00.000Z');
    // Thu 31 Dec and Fri 1 Jan are holidays; Sat 2 Jan opens at 10:00.
    expect(nextOpening(MOSCOW, new Date('2026-12-30T16:00:00Z'))?.toISOString()).toBe('2027-01-02T07:00:00.000Z');
  });

  it('follows daylight saving time (Berlin) and knows a week without hours never opens', () => {
    const berlin: Hours = { ...MOSCOW, timeZone: 'Europe/Berlin', holidays: [] };
    // Sat 28 Mar 2026 after closing → Mon 30 Mar 09:00 CEST = 07:00 UTC (the clocks went forward on Sunday).
    expect(nextOpening(berlin, new Date('2026-03-28T15:00:00Z'))?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextOpening(berlin, new Date('2026-03-27T17:30:00Z'))?.toISOString()).toBe('2026-03-28T09:00:00.000Z');
    const never: Hours = { ...MOSCOW, week: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } };
    expect(nextOpening(never, new Date())).toBeNull();
  });

  it('instantOf is the inverse of localTime in any zone and at any minute (property)', () => {
    const zones = ['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Berlin', 'America/New_York', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (at, zone) => {
          const whole = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
          const local = localTime(whole, zone);
          // In the repeated hour of a DST change both instants show the same wall clock; either is a right answer.
          expect(localTime(instantOf(local.date, local.minutes, zone), zone)).toMatchObject({
            date: local.date,
            minutes: local.minutes,
          });
        },
      ),
    );
  });

  it('the next opening is never in the past and is always open (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }), (at) => {
        const next = nextOpening(MOSCOW, at)!;
        expect(next.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(isOpen(MOSCOW, next)).toBe(true);
      }),
    );
  });
});
