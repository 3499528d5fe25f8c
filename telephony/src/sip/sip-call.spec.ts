import { describe, expect, it } from 'vitest';

import type { CallEvent } from '@telephony/model/call-event';
import { idTimeMs } from '@telephony/model/stable-id';
import { toParty } from '@telephony/phone/normalize-phone';
import { CONTRACT_SCENARIOS, mismatches } from '@test/support/telephony/contract-scenarios';
import { SipCall } from '@telephony/sip/sip-call';
import { parseStoredCall, type StoredCall } from '@telephony/sip/dialog-store';

const T0 = Date.parse('2026-11-23T10:00:00Z');

function newCall(from = toParty('+79161234567', 'Ivan Petrov')) {
  const events: CallEvent[] = [];
  const call = new SipCall(
    { sipCallId: 'abc@trunk', direction: 'inbound', from, to: toParty('7000'), nowMs: T0 },
    (e) => events.push(e),
  );
  call.created();
  return { call, events };
}

describe('SipCall', () => {
  it('answered call: waitSeconds from INVITE to answer, talkSeconds from answer to BYE, occurredAt = our clock', () => {
    const { call, events } = newCall();
    call.ringingAt('1001', 'b-leg', T0 + 100);
    call.connected('1001', 'b-leg', T0 + 7_000);
    call.end({ cause: 'normal-clearing' }, T0 + 67_000);
    expect(mismatches(events, CONTRACT_SCENARIOS.answered)).toEqual([]);
    expect(events.find((e) => e.type === 'call.answered')).toMatchObject({ waitSeconds: 7 });
    expect(events.at(-1)).toMatchObject({ waitSeconds: 7, talkSeconds: 60, agentId: '1001' });
    expect(events.map((e) => e.occurredAt)).toEqual([
      '2026-11-23T10:00:00.000Z',
      '2026-11-23T10:00:00.100Z',
      '2026-11-23T10:00:07.000Z',
      '2026-11-23T10:01:07.000Z',
    ]);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['sip']));
    expect(events[0]!.externalIds).toEqual({ sipCallId: 'abc@trunk' });
    expect(events[1]!.legId).not.toBe(events[0]!.legId);
  });

  it('reports a softphone twin (1001-web) as its operator 1001, in every event that names an operator', () => {
    const { call, events } = newCall();
    call.ringingAt('1001-web', 'b-leg', T0 + 100);
    call.connected('1001-web', 'b-leg', T0 + 2_000);
    expect(call.currentAgent).toBe('1001-web');
    call.transferred('blind', '1003-web', 'b-leg', T0 + 5_000);
    call.connected('1003-web', 'c-leg', T0 + 6_000);
    call.end({ cause: 'normal-clearing' }, T0 + 9_000);
    expect(
      events
        .filter((e) => e.type !== 'call.created')
        .map((e) => [e.type, e.agentId, 'fromAgentId' in e ? e.fromAgentId : null]),
    ).toEqual([
      ['call.ringing', '1001', null],
      ['call.answered', '1001', null],
      ['call.transferred', '1003', '1001'],
      ['call.bridged', '1003', null],
      ['call.ended', '1003', null],
    ]);
  });

  it('queue and recording: the queue name from joinQueue on, recording.ready before the end, nothing after it', () => {
    const { call, events } = newCall();
    call.ringingAt('1003', 'owner-leg', T0 + 100);
    call.ringStopped('1003', T0 + 10_100);
    call.joinQueue('support');
    call.ringingAt('1001', 'b-leg', T0 + 10_200);
    expect(call.ringingAgents).toEqual(['1001']);
    call.connected('1001', 'b-leg', T0 + 12_000);
    call.recordingReady('/rec/sip-x.wav', T0 + 30_000);
    call.end({ cause: 'normal-clearing' }, T0 + 30_000);
    call.recordingReady('/rec/late.wav', T0 + 31_000);
    expect(events.map((e) => [e.type, e.queue ?? null])).toEqual([
      ['call.created', null],
      ['call.ringing', null],
      ['call.ring-stopped', null],
      ['call.ringing', 'support'],
      ['call.answered', 'support'],
      ['recording.ready', 'support'],
      ['call.ended', 'support'],
    ]);
    expect(events[5]).toMatchObject({ file: '/rec/sip-x.wav', agentId: '1001', seq: 6 });
  });

  it('missed and abandoned: ring-stopped before ended; only a caller cancel is abandoned', () => {
    const missed = newCall();
    missed.call.ringingAt('1001', 'b', T0);
    missed.call.end({ cause: 'busy', rawCause: 'SIP 486' }, T0 + 3000);
    expect(mismatches(missed.events, CONTRACT_SCENARIOS.missed)).toEqual([]);

    const abandoned = newCall(toParty('+79161112233', 'Maria'));
    abandoned.call.ringingAt('1001', 'b', T0);
    abandoned.call.end({ cause: 'cancel', callerCancelled: true }, T0 + 4000);
    expect(mismatches(abandoned.events, CONTRACT_SCENARIOS.abandoned)).toEqual([]);
    expect(abandoned.events.at(-1)).toMatchObject({ waitSeconds: 4, talkSeconds: 0 });
  });

  it('ends exactly once: later BYE, CANCEL or cdr:stop produce nothing', () => {
    const { call, events } = newCall();
    call.connected('1001', 'b', T0 + 1000);
    expect(call.end({ cause: 'normal-clearing' }, T0 + 2000)).toBeDefined();
    expect(call.end({ cause: 'failed', closedFromCdr: true }, T0 + 3000)).toBeUndefined();
    expect(events.filter((e) => e.type === 'call.ended')).toHaveLength(1);
  });

  it('hold/resume only on change and only once answered', () => {
    const { call, events } = newCall();
    call.hold(true, 'a', T0);
    call.connected('1001', 'b', T0 + 1000);
    call.hold(true, 'a', T0 + 2000);
    call.hold(true, 'a', T0 + 2500);
    call.hold(false, 'a', T0 + 3000);
    call.hold(false, 'a', T0 + 3500);
    expect(events.map((e) => e.type)).toEqual(['call.created', 'call.answered', 'call.held', 'call.resumed']);
  });

  it('blind transfer: transferred (from → to), the target rings, then bridged; ended carries the new agent', () => {
    const { call, events } = newCall(toParty('+74951234567', 'Oleg'));
    call.ringingAt('1001', 'b1', T0);
    call.connected('1001', 'b1', T0 + 1000);
    call.transferred('blind', '1002', 'b1', T0 + 5000);
    call.ringingAt('1002', 'b2', T0 + 5100);
    call.connected('1002', 'b2', T0 + 8000);
    call.end({ cause: 'normal-clearing' }, T0 + 10_000);
    expect(mismatches(events, CONTRACT_SCENARIOS.transfer)).toEqual([]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('the contract check itself rejects a wrong sequence', () => {
    const { call, events } = newCall();
    call.ringingAt('1001', 'b', T0);
    call.end({ cause: 'no-answer' }, T0 + 1000);
    expect(mismatches(events, CONTRACT_SCENARIOS.answered).length).toBeGreaterThan(0);
    expect(mismatches(events, CONTRACT_SCENARIOS.missed)).toEqual([expect.stringContaining('cause":"busy')]);
  });
});

describe('SipCall id across a restart', () => {
  it('a call resumed from the dialog store (its state saved, parsed back later) keeps the id of the first process', () => {
    const { call } = newCall();
    const saved = parseStoredCall(
      JSON.stringify({ sipCallId: 'abc@trunk', ...call.state, recorded: false, dialogs: [] } satisfies StoredCall),
    );
    expect(saved).not.toBeNull();
    const resumed = new SipCall(
      {
        sipCallId: saved!.sipCallId,
        direction: saved!.direction,
        from: saved!.from,
        to: saved!.to,
        nowMs: saved!.startedAtMs,
        resumed: { seqBase: T0 + 3_600_000 },
      },
      () => undefined,
    );
    expect(resumed.callId).toBe(call.callId);
    expect(idTimeMs(call.callId)).toBe(T0);
  });
});
