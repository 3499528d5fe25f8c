import { afterEach, describe, expect, it, vi } from 'vitest';

import { localDayEnd, localDayStart } from '@client/modules/calllog/utils/dateRange';

describe('call log date range', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('spans whole local days as UTC instants (Moscow, UTC+3)', () => {
    vi.stubEnv('TZ', 'Europe/Moscow');
    expect(localDayStart('2026-11-23')).toBe('2026-11-22T21:00:00.000Z');
    expect(localDayEnd('2026-11-23')).toBe('2026-11-23T21:00:00.000Z');
    expect(localDayEnd('2026-12-31')).toBe('2026-12-31T21:00:00.000Z');
  });

  it('ignores empty or malformed input', () => {
    expect(localDayStart('')).toBeUndefined();
    expect(localDayEnd('23.11.2026')).toBeUndefined();
  });
});
