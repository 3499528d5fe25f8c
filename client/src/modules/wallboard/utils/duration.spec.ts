import { describe, expect, it } from 'vitest';

import { formatDuration, secondsSince } from './duration';

describe('wallboard durations', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3599)).toBe('59:59');
    expect(formatDuration(3600 + 2 * 60 + 3)).toBe('1:02:03');
  });

  it('never shows negative time (clock skew)', () => {
    expect(formatDuration(-5)).toBe('0:00');
    expect(secondsSince('2026-11-23T10:00:10Z', Date.parse('2026-11-23T10:00:00Z'))).toBe(0);
    expect(secondsSince('2026-11-23T10:00:00Z', Date.parse('2026-11-23T10:01:30.900Z'))).toBe(90);
  });
});
