import { describe, expect, it } from 'vitest';

import {
  type BaseAgentState,
  defaultRecord,
  effectiveState,
  fromQueuePause,
  pbxPaused,
  queuePause,
  sameEffective,
} from './agent-state';

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

  it("reads a queue pause back as the state it stands for: our own reasons as ours, the PBX's as a break", () => {
    const states: [BaseAgentState, string | null][] = [
      ['available', null],
      ['break', 'lunch'],
      ['break', null],
      ['offline', null],
    ];
    for (const [state, reason] of states) {
      const pause = queuePause(state, reason);
      expect(fromQueuePause(pause.paused, pause.reason ?? null)).toEqual({ state, reason });
    }
    expect(fromQueuePause(true, 'Auto-Pause')).toEqual({ state: 'break', reason: 'Auto-Pause' });
    expect(fromQueuePause(true, null)).toEqual({ state: 'break', reason: 'pbx' });
  });

  it('follows a pause made on the PBX, and changes nothing when the state shows that pause already', () => {
    const available = defaultRecord(t0);
    const wrapUp = { ...available, state: 'wrap-up' as const, wrapUpUntil: t1 };
    expect(pbxPaused(true, 'Auto-Pause')(available, t1)).toMatchObject({
      state: 'break',
      reason: 'Auto-Pause',
      since: t1,
    });
    expect(pbxPaused(false, null)(available, t1)).toBeNull();
    expect(pbxPaused(true, 'wrap-up')(wrapUp, t1)).toBeNull();
    // Unpaused on the desk phone during wrap-up: available at once, the wrap-up is over.
    expect(pbxPaused(false, null)(wrapUp, t1)).toMatchObject({ state: 'available', wrapUpUntil: null });
    // A call in progress stays on top of the new base state.
    const onCall = { ...available, activity: 'on-call' as const, activityCallId: 'c1', activitySince: t0 };
    expect(pbxPaused(true, 'offline')(onCall, t1)).toMatchObject({ state: 'offline', activity: 'on-call' });
  });
});
