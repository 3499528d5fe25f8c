import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type CallEvent } from '@telephony';

import { applyCallEvent, type CallFold, projectCall } from '@server/common/calls/call-projection';

const caller = { raw: '89161234567', e164: '+79161234567', extension: null, name: null, anonymous: false };
const did = { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false };
const t0 = Date.parse('2026-03-01T10:00:00.000Z');

let seq = 0;
function ev<T extends CallEvent['type']>(
  type: T,
  atSeconds: number,
  extra: Partial<Omit<Extract<CallEvent, { type: T }>, 'type'>> = {},
): CallEvent {
  return {
    type,
    callId: 'call-1',
    legId: 'leg-1',
    externalIds: { linkedid: '1700000000.1' },
    seq: ++seq,
    occurredAt: new Date(t0 + atSeconds * 1000).toISOString(),
    direction: 'inbound',
    from: caller,
    to: did,
    queue: 'support',
    source: 'ami',
    ...extra,
  } as CallEvent;
}

function answeredWithHoldAndTransfer(): CallEvent[] {
  seq = 0;
  return [
    ev('call.created', 0),
    ev('call.ringing', 1, { agentId: '1001' }),
    ev('call.ringing', 1, { agentId: '1002' }),
    ev('call.answered', 6, { agentId: '1002', waitSeconds: 6 }),
    ev('call.held', 20),
    ev('call.resumed', 50),
    ev('call.transferred', 60, { kind: 'blind', fromAgentId: '1002', agentId: '1003' }),
    ev('recording.ready', 96, { file: '/var/spool/asterisk/monitor/x.wav' }),
    ev('call.ended', 96, {
      agentId: '1003',
      cause: 'normal-clearing',
      answered: true,
      abandoned: false,
      waitSeconds: 6,
      talkSeconds: 90,
    }),
  ];
}

describe('projectCall', () => {
  it('derives the full record of an answered, held and transferred call', () => {
    const call = projectCall(answeredWithHoldAndTransfer())!;
    expect(call).toMatchObject({
      id: 'call-1',
      status: 'ended',
      fromE164: '+79161234567',
      queue: 'support',
      agentExtension: '1003',
      handledBy: ['1002', '1003'],
      ringingAgents: [],
      waitSeconds: 6,
      talkSeconds: 90,
      holdSeconds: 30,
      disposition: 'answered',
      hangupCause: 'normal-clearing',
      recordingFile: '/var/spool/asterisk/monitor/x.wav',
      answeredAt: '2026-03-01T10:00:06.000Z',
      endedAt: '2026-03-01T10:01:36.000Z',
    });
  });

  it('shows who is ringing while the call waits', () => {
    const events = answeredWithHoldAndTransfer().slice(0, 3);
    expect(projectCall(events)).toMatchObject({ status: 'ringing', ringingAgents: ['1001', '1002'] });
  });

  it('tells abandoned from missed inbound calls, and fails unanswered outbound ones', () => {
    seq = 0;
    const base = [ev('call.created', 0), ev('call.ringing', 1, { agentId: '1001' })];
    const end = (abandoned: boolean) =>
      ev('call.ended', 12, {
        cause: abandoned ? 'cancel' : 'no-answer',
        answered: false,
        abandoned,
        waitSeconds: 12,
        talkSeconds: 0,
      });
    expect(projectCall([...base, end(true)])!.disposition).toBe('abandoned');
    expect(projectCall([...base, end(false)])!.disposition).toBe('missed');
    const outbound = [...base, end(false)].map((e) => ({ ...e, direction: 'outbound' as const }));
    expect(projectCall(outbound)!.disposition).toBe('failed');
  });

  it('names the operator from the end when the answer has not been stored yet (another node still has it)', () => {
    const events = answeredWithHoldAndTransfer();
    const withoutAnswerAndTransfer = events.filter((e) => e.type !== 'call.answered' && e.type !== 'call.transferred');
    expect(projectCall(withoutAnswerAndTransfer)).toMatchObject({
      status: 'ended',
      disposition: 'answered',
      agentExtension: '1003',
    });
    // Once the answer and transfer are stored, the record is the whole story again.
    expect(projectCall(events)!.handledBy).toEqual(['1002', '1003']);
  });

  it('keeps the first end: a restarted adapter closing the call again does not rewrite it', () => {
    const events = answeredWithHoldAndTransfer();
    const again = ev('call.ended', 400, {
      cause: 'failed',
      rawCause: 'RESYNC_NO_CDR',
      answered: true,
      abandoned: false,
      waitSeconds: 6,
      talkSeconds: 394,
    });
    const once = projectCall(events)!;
    expect(projectCall([...events, again])).toEqual({ ...once, lastSeq: again.seq });
  });

  it('takes no operator from an unanswered end', () => {
    seq = 0;
    const events = [
      ev('call.created', 0),
      ev('call.ended', 5, {
        agentId: '1001',
        cause: 'cancel',
        answered: false,
        abandoned: true,
        waitSeconds: 5,
        talkSeconds: 0,
      }),
    ];
    expect(projectCall(events)).toMatchObject({ agentExtension: null, handledBy: [], disposition: 'abandoned' });
  });

  it('a call the PBX refused by policy is blocked, whatever its direction, and converges in any order', () => {
    seq = 0;
    const inbound = [
      ev('call.created', 0),
      ev('call.ended', 0.2, { cause: 'no-answer', rawCause: '21', answered: false, abandoned: false, blocked: true }),
    ].map((e) => ({ ...e, waitSeconds: 0, talkSeconds: 0 }) as CallEvent);
    expect(projectCall(inbound)).toMatchObject({ status: 'ended', disposition: 'blocked', answeredAt: null });
    expect(projectCall([...inbound].reverse())).toEqual(projectCall(inbound));
    const outbound = inbound.map((e) => ({ ...e, direction: 'outbound' }) as CallEvent);
    expect(projectCall(outbound)).toMatchObject({ disposition: 'blocked' });
    // An answered call is answered, even if something later said blocked.
    const answered = [...inbound.slice(0, 1), ev('call.answered', 0.1, { agentId: '1001', waitSeconds: 0 })];
    answered.push({ ...inbound[1]!, seq: answered.at(-1)!.seq + 1 } as CallEvent);
    expect(projectCall(answered)).toMatchObject({ disposition: 'answered' });
  });

  it('returns null for no events', () => {
    expect(projectCall([])).toBeNull();
  });

  it('converges to the same record whatever the arrival order and duplication', () => {
    const events = answeredWithHoldAndTransfer();
    const expected = projectCall(events);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length }),
        fc.array(fc.nat(events.length - 1)),
        (shuffled, dupes) => {
          const arrived = [...shuffled, ...dupes.map((i) => events[i]!)];
          expect(projectCall(arrived)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applied one event at a time, in any arrival order with duplicates, gives the same record as the whole fold', () => {
    const events = answeredWithHoldAndTransfer();
    const expected = projectCall(events);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length }),
        fc.array(fc.nat(events.length - 1)),
        (shuffled, dupes) => {
          let fold: CallFold | null = null;
          const seen = new Set<number>();
          for (const e of [...shuffled, ...dupes.map((i) => events[i]!)]) {
            const before: CallFold | null = fold;
            const snapshot = before ? structuredClone(before.call) : null;
            const result = applyCallEvent(fold, e);
            expect(result.applied).toBe(!seen.has(e.seq));
            seen.add(e.seq);
            // The record a reaction got as `before` is never changed by a later step.
            if (before) expect(before.call).toEqual(snapshot);
            fold = result.fold;
          }
          expect(fold!.call).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('costs one step for an event newer than all before it (the record is not rebuilt)', () => {
    const [created, ringing] = answeredWithHoldAndTransfer();
    const first = applyCallEvent(null, created!).fold;
    const second = applyCallEvent(first, ringing!).fold;
    expect(second.events).toBe(first.events);
    expect(second.call).not.toBe(first.call);
  });
});
