import { describe, expect, it } from 'vitest';

import { type CallEvent } from '@telephony';

import { projectCall } from '@server/common/calls/call-projection';
import { toLiveCall } from './live-call.mapper';

const base = {
  callId: 'c1',
  legId: 'l1',
  externalIds: {},
  direction: 'inbound' as const,
  from: { raw: '89161234567', e164: '+79161234567', extension: null, name: null, anonymous: false },
  to: { raw: '7000', e164: null, extension: null, name: null, anonymous: false },
  queue: 'support',
  source: 'ami' as const,
};
const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 10, 0, s)).toISOString();

describe('live call view', () => {
  it('lists each ringing operator once (desk phone and softphone ring together) and follows the answer', () => {
    const events: CallEvent[] = [
      { ...base, seq: 1, occurredAt: at(0), type: 'call.created' },
      { ...base, seq: 2, occurredAt: at(1), type: 'call.ringing', agentId: '1001' },
      // The softphone twin's leg: the adapter reports it as its operator, 1001.
      { ...base, seq: 3, occurredAt: at(1), type: 'call.ringing', agentId: '1001' },
      { ...base, seq: 4, occurredAt: at(1), type: 'call.ringing', agentId: '1002' },
    ];
    const ringing = toLiveCall(projectCall(events)!);
    expect(ringing).toMatchObject({
      status: 'ringing',
      ringing: ['1001', '1002'],
      agentExtension: null,
      from: { e164: '+79161234567', extension: null },
      to: { raw: '7000', extension: '7000' },
      startedAt: at(0),
    });
    const answered = toLiveCall(
      projectCall([
        ...events,
        { ...base, seq: 5, occurredAt: at(4), type: 'call.answered', agentId: '1001', waitSeconds: 4 },
      ])!,
    );
    expect(answered).toMatchObject({ status: 'answered', ringing: [], agentExtension: '1001', answeredAt: at(4) });
  });
});
