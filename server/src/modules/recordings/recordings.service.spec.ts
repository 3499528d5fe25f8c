import { describe, expect, it } from 'vitest';

import { mayListenByRole, rangeIncludesStart } from './recordings.service';

describe('rangeIncludesStart (one audit entry per playback, not per chunk)', () => {
  it.each([
    [undefined, true],
    ['bytes=0-99', true],
    ['bytes=0-', true],
    ['bytes=-500', true],
    ['bytes=500-999, 0-10', true],
    ['bytes=100-', false],
    ['bytes=65536-131071', false],
    ['items=5-6', true],
  ])('%j → %s', (range, expected) => {
    expect(rangeIncludesStart(range)).toBe(expected);
  });
});

describe('mayListenByRole', () => {
  it('lets supervisors and managers listen to any recording, not admins or operators', () => {
    expect(['supervisor', 'manager', 'admin', 'operator'].map((r) => mayListenByRole(r as never))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
