import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AgentRoster, availableMembers } from '@telephony/sip/sip-queue';

describe('SIP queue member selection', () => {
  const view = (paused: string[] = [], busy: string[] = [], ended: Record<string, number> = {}) => ({
    paused: new Set(paused),
    busy: new Set(busy),
    lastCallEndedAt: new Map(Object.entries(ended)),
  });

  it('skips paused (break, wrap-up, offline) and busy (on a call, ringing) members; ringall keeps the order', () => {
    expect(availableMembers('ringall', ['1003', '1001', '1002', '1004'], view(['1002'], ['1004']))).toEqual([
      '1003',
      '1001',
    ]);
  });

  it('longest-idle: never called first (by extension), then the earliest last call', () => {
    expect(
      availableMembers('longest-idle', ['1001', '1002', '1003', '1004'], view([], [], { 1001: 50, 1003: 10 })),
    ).toEqual(['1002', '1004', '1003', '1001']);
  });

  it('the roster: pause and unpause, idle times from ended calls', () => {
    const roster = new AgentRoster();
    roster.setPaused('1001', true, 'lunch');
    roster.callEnded('1002', 100);
    expect(availableMembers('longest-idle', ['1001', '1002', '1003'], roster.view(new Set()))).toEqual([
      '1003',
      '1002',
    ]);
    roster.setPaused('1001', false);
    expect(availableMembers('ringall', ['1001'], roster.view(new Set()))).toEqual(['1001']);
  });

  it('any input: the result is exactly the free members, each once (fast-check)', () => {
    const ext = fc.constantFrom('1001', '1002', '1003', '1004', '1005');
    fc.assert(
      fc.property(
        fc.array(ext),
        fc.array(ext),
        fc.array(ext),
        fc.dictionary(ext, fc.nat()),
        fc.constantFrom('ringall' as const, 'longest-idle' as const),
        (members, paused, busy, ended, strategy) => {
          const got = availableMembers(strategy, members, view(paused, busy, ended));
          const free = new Set(members.filter((m) => !paused.includes(m) && !busy.includes(m)));
          expect(new Set(got)).toEqual(free);
          expect(got).toHaveLength(free.size);
        },
      ),
    );
  });
});
