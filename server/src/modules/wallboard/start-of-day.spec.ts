import { describe, expect, it } from 'vitest';

import { startOfDay } from './wallboard.service';

describe('startOfDay in the company time zone', () => {
  it('is local midnight of the zone, whatever the server zone', () => {
    const now = new Date('2026-11-23T22:30:00Z'); // 01:30 on the 24th in Moscow, 16:30 on the 23rd in Chicago
    expect(startOfDay(now, 'Europe/Moscow').toISOString()).toBe('2026-11-23T21:00:00.000Z');
    expect(startOfDay(now, 'America/Chicago').toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(startOfDay(now, 'Asia/Kamchatka').toISOString()).toBe('2026-11-23T12:00:00.000Z');
  });

  it('follows a DST change on the day itself', () => {
    // 2026-03-29: Berlin goes from +01:00 to +02:00 at 02:00; midnight was still at +01:00.
    expect(startOfDay(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
  });
});
