import { describe, expect, it } from 'vitest';

import { AgentBook } from './agent-book';
import {
  callEnded,
  chosen,
  defaultRecord,
  effectiveState,
  leftCall,
  onCall,
  ringing,
  ringStopped,
  wrapUpOver,
} from './agent-state';

const t = (s: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, s));
const U = 'u1';
const state = (book: AgentBook) => effectiveState(book.get(U)!).state;

const fresh = () => {
  const book = new AgentBook();
  book.learn(U, null, 0, t(0));
  return book;
};

describe('agent book (operator states decided in memory)', () => {
  it('rings, answers, wraps up and comes back, each step an interval of the history', () => {
    const book = fresh();
    expect(book.apply(U, ringing('c1'), null, t(1))).toMatchObject({ effectiveChanged: true, baseChanged: false });
    expect(book.usersOn('c1')).toEqual([U]);
    book.apply(U, onCall('c1'), null, t(2));
    expect(state(book)).toBe('on-call');
    const ended = book.apply(U, callEnded('c1', 30), null, t(3))!;
    expect(ended).toMatchObject({ baseChanged: true, effectiveChanged: true });
    expect(ended.after).toMatchObject({ state: 'wrap-up', wrapUpUntil: t(33), activity: null });
    expect(book.usersOn('c1')).toEqual([]);
    expect(book.apply(U, wrapUpOver, null, t(10))).toBeNull(); // not run out yet
    book.apply(U, wrapUpOver, null, t(40));
    expect(state(book)).toBe('available');
    const [row] = book.pending();
    expect(row).toMatchObject({ userId: U, version: 1, changes: 4 });
    expect(row!.intervals.map((i) => [i.state, i.since])).toEqual([
      ['ringing', t(1)],
      ['on-call', t(2)],
      ['wrap-up', t(3)],
      ['available', t(40)],
    ]);
  });

  it('decides nothing for events that are not about what the operator is doing', () => {
    const book = fresh();
    book.apply(U, ringing('c1'), null, t(1));
    book.apply(U, onCall('c1'), null, t(2));
    expect(book.apply(U, ringing('c2'), null, t(3))).toBeNull(); // a second line rings while on a call
    expect(book.apply(U, ringStopped('c2'), null, t(4))).toBeNull();
    expect(book.apply(U, leftCall('c2', true), null, t(5))).toBeNull();
    expect(book.apply(U, onCall('c1'), null, t(6))).toBeNull();
    expect(book.apply(U, callEnded('c2', 30), null, t(7))).toBeNull();
    expect(book.pending()[0]!.changes).toBe(2);
  });

  it('a ring taken by someone else frees the operator; a break survives the call without wrap-up', () => {
    const book = fresh();
    book.apply(U, chosen('break', 'lunch'), 'sup', t(1));
    book.apply(U, ringing('c1'), null, t(2));
    expect(book.apply(U, leftCall('c1', false), null, t(3))?.after).toMatchObject({ state: 'break', activity: null });
    book.apply(U, ringing('c2'), null, t(4));
    book.apply(U, onCall('c2'), null, t(5));
    expect(book.apply(U, callEnded('c2', 30), null, t(6))?.after).toMatchObject({ state: 'break', reason: 'lunch' });
    expect(book.pending()[0]!.intervals[0]).toMatchObject({ state: 'break', changedBy: 'sup' });
  });

  it('keeps what was decided while a write was on its way, for the next write', () => {
    const book = fresh();
    book.apply(U, ringing('c1'), null, t(1));
    const [first] = book.pending();
    book.apply(U, onCall('c1'), null, t(2)); // decided while `first` is being written
    book.stored(first!);
    expect(book.version(U)).toBe(1);
    const [next] = book.pending();
    expect(next).toMatchObject({ version: 2, changes: 1, record: { activity: 'on-call' } });
    expect(next!.intervals.map((i) => i.state)).toEqual(['on-call']);
  });

  it('replays changes not yet stored on a newer stored row (another node changed it meanwhile)', () => {
    const book = fresh();
    book.apply(U, ringing('c1'), null, t(2));
    book.apply(U, onCall('c1'), null, t(3));
    // Another node stored a break (version 1) before our write: ours is redone on it.
    const offline = { ...defaultRecord(t(0)), state: 'break' as const, reason: 'training', since: t(1) };
    const replayed = book.learn(U, offline, 1);
    expect(replayed?.after).toMatchObject({ state: 'break', reason: 'training', activity: 'on-call' });
    expect(book.pending()[0]).toMatchObject({ version: 2, changes: 2 });
    // The call ends: a break gets no wrap-up, whatever this node believed before.
    expect(book.apply(U, callEnded('c1', 30), null, t(4))?.after).toMatchObject({ state: 'break', activity: null });
    // An older or equal stored version changes nothing.
    expect(book.learn(U, defaultRecord(t(0)), 1)).toBeNull();
    expect(book.get(U)).toMatchObject({ state: 'break' });
  });

  it('a replayed change that no longer applies leaves no interval', () => {
    const book = fresh();
    book.apply(U, ringStopped('c1'), null, t(1)); // nothing: it was not ringing
    book.apply(U, ringing('c1'), null, t(2));
    const stored = { ...defaultRecord(t(0)), activity: 'on-call' as const, activityCallId: 'c9', activitySince: t(1) };
    book.learn(U, stored, 3);
    expect(book.get(U)).toMatchObject({ activity: 'on-call', activityCallId: 'c9' });
    expect(book.pending()[0]).toMatchObject({ version: 4, intervals: [] });
    expect(book.usersOn('c9')).toEqual([U]);
    expect(book.usersOn('c1')).toEqual([]);
  });

  it('forgets an operator whose user is gone', () => {
    const book = fresh();
    book.apply(U, ringing('c1'), null, t(1));
    book.forget(U);
    expect(book.has(U)).toBe(false);
    expect(book.pending()).toEqual([]);
    expect(book.usersOn('c1')).toEqual([]);
    expect(() => book.apply(U, ringing('c1'), null, t(2))).toThrow(/not loaded/);
  });
});
