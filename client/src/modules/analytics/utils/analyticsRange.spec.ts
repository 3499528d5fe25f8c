import { describe, expect, it } from 'vitest';

import { addDays, apiParams, defaultRange, exportHref, heatmapMatrix, todayIn, zoneChoices } from './analyticsRange';

describe('analytics range helpers', () => {
  // 2026-03-01T22:30Z is still 1 March in UTC but already 2 March in Moscow (UTC+3).
  const now = new Date('2026-03-01T22:30:00Z');

  it('takes "today" from the chosen zone, not the browser', () => {
    expect(todayIn('UTC', now)).toBe('2026-03-01');
    expect(todayIn('Europe/Moscow', now)).toBe('2026-03-02');
  });

  it('default range is the last 7 days including today; the API gets the next midnight as `to`', () => {
    const r = defaultRange('Europe/Moscow', now);
    expect(r).toMatchObject({ fromDate: '2026-02-24', toDate: '2026-03-02', slSeconds: 20, slTarget: 80 });
    expect(apiParams(r)).toMatchObject({ from: '2026-02-24', to: '2026-03-03', tz: 'Europe/Moscow' });
  });

  it('adds days across month and leap-year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('export links carry the same parameters, the format and the UI language', () => {
    // UTC: today is 1 March, so the week starts on 23 February (2026 is not a leap year).
    const href = exportHref('operators', defaultRange('UTC', now), 'xlsx', 'ru');
    expect(href).toBe(
      '/api/analytics/operators?from=2026-02-23&to=2026-03-02&tz=UTC&slSeconds=20&slTarget=80&shortAbandonSeconds=5&format=xlsx&lang=ru',
    );
  });

  it('fills the 7 × 24 grid and sums hours over weekdays', () => {
    const m = heatmapMatrix([
      { weekday: 1, hour: 9, offered: 4, answered: 3, abandoned: 1, avgWaitSeconds: 10 },
      { weekday: 7, hour: 9, offered: 2, answered: 2, abandoned: 0, avgWaitSeconds: 5 },
      { weekday: 3, hour: 23, offered: 1, answered: 0, abandoned: 0, avgWaitSeconds: null },
    ]);
    expect(m.offered[0]![9]).toBe(4);
    expect(m.offered[6]![9]).toBe(2);
    expect(m.offered[2]![23]).toBe(1);
    expect(m.offered[1]![9]).toBe(0);
    expect(m.max).toBe(4);
    expect(m.byHour.offered[9]).toBe(6);
    expect(m.byHour.answered[9]).toBe(5);
    expect(m.byHour.abandoned[9]).toBe(1);
  });

  it('adds the browser zone to the choices only when missing', () => {
    expect(zoneChoices('Europe/Moscow')).not.toContain(undefined);
    expect(zoneChoices('America/New_York').at(-1)).toBe('America/New_York');
    expect(zoneChoices('Europe/Moscow').filter((z) => z === 'Europe/Moscow')).toHaveLength(1);
  });
});
