import { describe, expect, it } from 'vitest';

import { AppError } from '@server/common/errors/app-error';

import { decodeCursor, encodeCursor } from './timeline-cursor';
import { compare } from './timeline.read-model';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OTHER = '9b2e7c1a-0d4f-4c1e-8a55-6f0b1c2d3e4f';
const pos = { at: '2026-11-23T10:00:00.123456Z', key: `call:${ID}` };

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('did not throw');
};

describe('timeline cursor', () => {
  it('round-trips the position for the same record, microseconds included', () => {
    expect(decodeCursor(encodeCursor('contact', ID, pos), 'contact', ID)).toEqual(pos);
  });

  it('refuses a cursor of another record or another kind of record (400)', () => {
    const cursor = encodeCursor('contact', ID, pos);
    for (const [type, id] of [
      ['contact', OTHER],
      ['company', ID],
    ] as const) {
      const err = errorOf(() => decodeCursor(cursor, type, id));
      expect(err).toBeInstanceOf(AppError);
      expect([err.code, err.httpStatus, err.details]).toEqual([
        'TIMELINE_CURSOR_INVALID',
        400,
        { field: 'before', reason: 'other-record' },
      ]);
    }
  });

  it('refuses damaged cursors without throwing anything else', () => {
    const forged = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const bad of [
      'x',
      '',
      forged({ t: 'contact', e: ID, a: '2026-11-23T10:00:00Z', k: pos.key }),
      forged({ t: 'contact', e: ID, a: pos.at, k: "call:'; DROP TABLE calls" }),
      forged({ t: 'contact', e: ID, a: pos.at, k: pos.key, extra: 1 }),
      forged([1, 2]),
    ]) {
      const err = errorOf(() => decodeCursor(bad, 'contact', ID));
      expect([err.code, err.details]).toEqual(['TIMELINE_CURSOR_INVALID', { field: 'before', reason: 'malformed' }]);
    }
  });

  it('orders by time, then by key byte-wise (as the database compares them)', () => {
    const a = { at: '2026-11-23T10:00:00.000001Z', key: 'call:b' };
    expect(compare(a, { ...a, at: '2026-11-23T10:00:00.000002Z' })).toBeLessThan(0);
    expect(compare(a, { ...a, key: 'note:a' })).toBeLessThan(0);
    expect(compare({ ...a, key: 'task-done:a' }, { ...a, key: 'task:a' })).toBeLessThan(0);
    expect(compare(a, { ...a })).toBe(0);
  });
});
