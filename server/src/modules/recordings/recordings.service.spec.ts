import { describe, expect, it } from 'vitest';

import { mayListenByRole, servedBytes } from './recordings.service';

describe('servedBytes (what a GET serves, so that is what gets audited)', () => {
  const whole = { status: 200, start: 0, end: 999 };
  it.each([
    ['no Range', undefined, false, whole],
    ['one range', [{ start: 1, end: 999 }], false, { status: 206, start: 1, end: 999 }],
    [
      'several ranges (no multipart)',
      [
        { start: 1, end: 10 },
        { start: 20, end: 999 },
      ],
      false,
      whole,
    ],
    ['a malformed Range', -2, false, whole],
    ['any If-Range (no validator is ever sent)', [{ start: 100, end: 999 }], true, whole],
    ['an unsatisfiable range', -1, false, null],
  ])('%s', (_name, ranges, ifRange, expected) => {
    expect(servedBytes(1000, ranges as never, ifRange)).toEqual(expected);
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
