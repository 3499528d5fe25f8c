import { describe, expect, it } from 'vitest';

import { defaultRecord, effectiveState, queuePause, sameEffective } from './agent-state';

const t0 = new Date('2026-11-23T10:00:00Z');
const t1 = new Date('2026-11-23T10:05:00Z');

describe('agent state', () => {
  it('shows the base state when no call is in progress', () => {
    const r = { ...defaultRecord(t0), state: 'break' as const, reason: 'lunch' };
    expect(effectiveState(r)).toEqual({ state: 'break', reason: 'lunch', since: t0, callId: null });
  });

  it('lets a call hide the base state, with the call id and its own start', () => {
    const r = { ...defaultRecord(t0), activity: 'on-call' as const, activityCallId: 'c1', activitySince: t1 };
    expect(effectiveState(r)).toEqual({ state: 'on-call', reason: null, since: t1, callId: 'c1' });
  });

  it('compares effective states by state, reason and call', () => {
    const a = effectiveState({ ...defaultRecord(t0), state: 'break', reason: 'lunch' });
    expect(sameEffective(a, { ...a, since: t1 })).toBe(true);
    expect(sameEffective(a, { ...a, reason: 'training' })).toBe(false);
    expect(sameEffective(a, { ...a, state: 'offline' })).toBe(false);
  });

  it('pauses the queue member for every state but available, with a reason Asterisk shows', () => {
    expect(queuePause('available', null)).toEqual({ paused: false });
    expect(queuePause('break', 'lunch')).toEqual({ paused: true, reason: 'break:lunch' });
    expect(queuePause('break', null)).toEqual({ paused: true, reason: 'break' });
    expect(queuePause('wrap-up', null)).toEqual({ paused: true, reason: 'wrap-up' });
    expect(queuePause('offline', null)).toEqual({ paused: true, reason: 'offline' });
  });
});
