import { describe, expect, it } from 'vitest';

import type { AgentStateEvent, AgentStatus } from '@telephony/model/call-event';
import { PauseChanges } from '@telephony/ami/pause-changes';

const report = (status: AgentStatus, pauseReason?: string): AgentStateEvent => ({
  type: 'agent.state',
  agentId: '1001',
  status,
  ...(pauseReason ? { pauseReason } : {}),
  occurredAt: '2026-01-01T00:00:00.000Z',
  source: 'ami',
});

/** Classifies the reports in order and returns their `pauseChange` (null = none). */
const changes = (p: PauseChanges, ...events: AgentStateEvent[]) => events.map((e) => p.classify(e).pauseChange ?? null);

describe('PauseChanges', () => {
  it('takes the first report as the baseline, and only pause changes as changes (not device ones)', () => {
    const p = new PauseChanges();
    expect(changes(p, report('paused', 'offline'), report('paused', 'offline'))).toEqual([null, null]);
    expect(changes(p, report('available'), report('busy'), report('available'))).toEqual(['external', null, null]);
  });

  it("tells the server's own pauses from the PBX's, in request order", () => {
    const p = new PauseChanges();
    changes(p, report('available'));
    p.request('1001', true, 'break:lunch');
    p.request('1001', false, undefined);
    expect(changes(p, report('paused', 'break:lunch'), report('ringing'))).toEqual(['requested', 'requested']);
    // Asterisk's autopause after a ring with no answer, then the operator's unpause from the desk phone.
    expect(changes(p, report('paused', 'Auto-Pause'), report('available'))).toEqual(['external', 'external']);
  });

  it('waits for no report of a request that changes nothing, so a later PBX change is not taken for it', () => {
    const p = new PauseChanges();
    changes(p, report('available'));
    p.request('1001', false, undefined);
    expect(changes(p, report('paused', 'Auto-Pause'), report('available'))).toEqual(['external', 'external']);
  });

  it('forgets a request the PBX refused, and requests in flight when the link is lost', () => {
    const p = new PauseChanges();
    changes(p, report('available'));
    const withdraw = p.request('1001', true, 'offline');
    withdraw();
    expect(changes(p, report('paused', 'offline'))).toEqual(['external']);
    p.request('1001', false, undefined);
    p.linkLost();
    expect(changes(p, report('available'))).toEqual(['external']);
  });

  it('a changed reason is a change; a request overtaken by a later one is dropped with it', () => {
    const p = new PauseChanges();
    changes(p, report('available'));
    p.request('1001', true, 'break:lunch');
    p.request('1001', true, 'break:coffee');
    // The first pause came back unreported (e.g. the member was paused for lunch already): the second is matched.
    expect(changes(p, report('paused', 'break:coffee'), report('paused', 'break:lunch'))).toEqual([
      'requested',
      'external',
    ]);
  });
});
