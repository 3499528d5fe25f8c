import { describe, expect, it } from 'vitest';

import { amiEvent, snap, type Chan } from '@test/support/telephony/ami-test-events';
import {
  DEFAULT_TRACKER_CONFIG,
  callIdFor,
  initialTrackerState,
  legIdFor,
  reduceAll,
  reduceAmiEvent,
  type TrackerState,
} from '@telephony/ami/call-tracker';
import type { AmiEvent } from '@telephony/ami/ami-message';
import type { CallEvent, TelephonyEvent } from '@telephony/model/call-event';

const cfg = DEFAULT_TRACKER_CONFIG;
const T0 = 1_763_900_000;

const caller: Chan = {
  name: 'PJSIP/trunk-00000001',
  uniqueid: '1700.1',
  linkedid: '1700.1',
  num: '89161234567',
  exten: '4951112233',
};
const agent1: Chan = { name: 'PJSIP/1001-00000002', uniqueid: '1700.2', linkedid: '1700.1', num: '1001' };
const agent2: Chan = { name: 'PJSIP/1002-00000003', uniqueid: '1700.3', linkedid: '1700.1', num: '1002' };

const callEvents = (events: TelephonyEvent[]) =>
  events.filter((e): e is CallEvent => e.type.startsWith('call.') || e.type === 'recording.ready');
const types = (events: TelephonyEvent[]) =>
  events.map((e) => (e.type === 'call.ringing' || e.type === 'call.ring-stopped' ? `${e.type}:${e.agentId}` : e.type));

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of o instanceof Map ? o.values() : Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Folds with frozen intermediate states: any mutation of a previous state throws (ESM is strict mode). */
function fold(events: AmiEvent[], state: TrackerState = initialTrackerState()) {
  let s = deepFreeze(state);
  const out: TelephonyEvent[] = [];
  for (const e of events) {
    const r = reduceAmiEvent(s, e, cfg);
    s = deepFreeze(r.state);
    out.push(...r.events);
  }
  return { state: s, events: out };
}

function queueStart(t = T0): AmiEvent[] {
  return [
    amiEvent('Newchannel', t, { ...snap('', caller), context: 'from-trunk' }),
    amiEvent('VarSet', t + 0.1, {
      ...snap('', caller),
      variable: 'MIXMONITOR_FILENAME',
      value: '/var/spool/asterisk/monitor/1700.1.wav',
    }),
    amiEvent('QueueCallerJoin', t + 1, { ...snap('', caller), queue: 'support', position: '1', count: '1' }),
    amiEvent('Newchannel', t + 1.1, snap('', agent1)),
    amiEvent('Newchannel', t + 1.1, snap('', agent2)),
    amiEvent('AgentCalled', t + 1.2, {
      ...snap('', caller),
      ...snap('dest', agent1),
      queue: 'support',
      interface: 'PJSIP/1001',
      membername: 'Operator 1',
    }),
    amiEvent('DialBegin', t + 1.2, { ...snap('', caller), ...snap('dest', agent1), dialstring: '1001' }),
    amiEvent('AgentCalled', t + 1.2, {
      ...snap('', caller),
      ...snap('dest', agent2),
      queue: 'support',
      interface: 'PJSIP/1002',
    }),
    amiEvent('DialBegin', t + 1.2, { ...snap('', caller), ...snap('dest', agent2), dialstring: '1002' }),
  ];
}

function queueAnswered(): AmiEvent[] {
  return [
    ...queueStart(),
    amiEvent('DialEnd', T0 + 8, { ...snap('', caller), ...snap('dest', agent1), dialstatus: 'ANSWER' }),
    amiEvent('DialEnd', T0 + 8, { ...snap('', caller), ...snap('dest', agent2), dialstatus: 'CANCEL' }),
    amiEvent('Hangup', T0 + 8.1, { ...snap('', agent2), cause: '26', 'cause-txt': 'Answered elsewhere' }),
    amiEvent('QueueCallerLeave', T0 + 8.1, { ...snap('', caller), queue: 'support' }),
    amiEvent('BridgeEnter', T0 + 8.2, {
      ...snap('', caller),
      bridgeuniqueid: 'b1',
      bridgetype: 'basic',
      bridgenumchannels: '1',
    }),
    amiEvent('BridgeEnter', T0 + 8.2, {
      ...snap('', agent1),
      bridgeuniqueid: 'b1',
      bridgetype: 'basic',
      bridgenumchannels: '2',
    }),
    amiEvent('AgentConnect', T0 + 8.2, {
      ...snap('', caller),
      ...snap('dest', agent1),
      queue: 'support',
      interface: 'PJSIP/1001',
      holdtime: '7',
    }),
    amiEvent('Hold', T0 + 20, { ...snap('', caller) }),
    amiEvent('Hold', T0 + 20.5, { ...snap('', caller) }),
    amiEvent('Unhold', T0 + 30, { ...snap('', caller) }),
    amiEvent('Hangup', T0 + 68, { ...snap('', agent1), cause: '16' }),
    amiEvent('Hangup', T0 + 68.1, { ...snap('', caller), cause: '16' }),
  ];
}

describe('call tracker: inbound queue call answered', () => {
  const { events, state } = fold(queueAnswered());

  it('emits the normalized sequence', () => {
    expect(types(events)).toEqual([
      'call.created',
      'call.ringing:1001',
      'call.ringing:1002',
      'call.answered',
      'call.ring-stopped:1002',
      'call.held',
      'call.resumed',
      'recording.ready',
      'call.ended',
    ]);
  });

  it('numbers events per call, derives ids and keeps PBX time', () => {
    const calls = callEvents(events);
    expect(calls.map((e) => e.seq)).toEqual(calls.map((_, i) => i + 1));
    expect(new Set(calls.map((e) => e.callId))).toEqual(new Set([callIdFor('1700.1')]));
    expect(calls[0]!.legId).toBe(legIdFor('1700.1'));
    expect(calls[1]!.legId).toBe(legIdFor('1700.2'));
    expect(calls[0]!.occurredAt).toBe(new Date(T0 * 1000).toISOString());
    expect(calls[0]!.externalIds).toEqual({ linkedid: '1700.1', uniqueid: '1700.1' });
  });

  it('fills direction, parties, queue, operator, durations, cause and recording', () => {
    const created = events[0] as CallEvent;
    expect(created.direction).toBe('inbound');
    expect(created.from.e164).toBe('+79161234567');
    expect(created.to.e164).toBe('+74951112233');
    const answered = events.find((e) => e.type === 'call.answered');
    expect(answered).toMatchObject({ agentId: '1001', waitSeconds: 8, queue: 'support' });
    const ended = events.find((e) => e.type === 'call.ended');
    expect(ended).toMatchObject({
      cause: 'normal-clearing',
      answered: true,
      abandoned: false,
      waitSeconds: 8,
      talkSeconds: 60,
      agentId: '1001',
      rawCause: '16',
    });
    expect(events.find((e) => e.type === 'recording.ready')).toMatchObject({
      file: '/var/spool/asterisk/monitor/1700.1.wav',
    });
  });

  it('forgets the call once ended but remembers it ended', () => {
    expect(state.calls.size).toBe(0);
    expect(state.channels.size).toBe(0);
    expect(state.ended.some((g) => g['1700.1'])).toBe(true);
  });
});

describe('call tracker: unanswered outcomes', () => {
  it('caller leaving the queue is abandoned with cause cancel', () => {
    const { events } = fold([
      ...queueStart(),
      amiEvent('QueueCallerAbandon', T0 + 15, {
        ...snap('', caller),
        queue: 'support',
        position: '1',
        originalposition: '1',
        holdtime: '14',
      }),
      amiEvent('DialEnd', T0 + 15, { ...snap('', caller), ...snap('dest', agent1), dialstatus: 'CANCEL' }),
      amiEvent('DialEnd', T0 + 15, { ...snap('', caller), ...snap('dest', agent2), dialstatus: 'CANCEL' }),
      amiEvent('Hangup', T0 + 15, { ...snap('', agent1), cause: '16' }),
      amiEvent('Hangup', T0 + 15, { ...snap('', agent2), cause: '16' }),
      amiEvent('Hangup', T0 + 15.1, { ...snap('', caller), cause: '16' }),
    ]);
    expect(types(events)).toEqual([
      'call.created',
      'call.ringing:1001',
      'call.ringing:1002',
      'call.ring-stopped:1001',
      'call.ring-stopped:1002',
      'recording.ready',
      'call.ended',
    ]);
    expect(events.at(-1)).toMatchObject({
      cause: 'cancel',
      abandoned: true,
      answered: false,
      waitSeconds: 15,
      talkSeconds: 0,
    });
  });

  it('queue timeout with members not answering is missed (no-answer), not abandoned', () => {
    const { events } = fold([
      ...queueStart(),
      amiEvent('DialEnd', T0 + 16, { ...snap('', caller), ...snap('dest', agent1), dialstatus: 'NOANSWER' }),
      amiEvent('AgentRingNoAnswer', T0 + 16, {
        ...snap('', caller),
        ...snap('dest', agent1),
        interface: 'PJSIP/1001',
        queue: 'support',
        ringtime: '15',
      }),
      amiEvent('DialEnd', T0 + 16, { ...snap('', caller), ...snap('dest', agent2), dialstatus: 'BUSY' }),
      amiEvent('Hangup', T0 + 16, { ...snap('', agent1), cause: '19' }),
      amiEvent('Hangup', T0 + 16, { ...snap('', agent2), cause: '17' }),
      amiEvent('QueueCallerLeave', T0 + 31, { ...snap('', caller), queue: 'support' }),
      amiEvent('Hangup', T0 + 31, { ...snap('', caller), cause: '16' }),
    ]);
    const ended = events.filter((e) => e.type === 'call.ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      cause: 'no-answer',
      abandoned: false,
      answered: false,
      waitSeconds: 31,
      queue: 'support',
    });
    expect(types(events).filter((t) => t.startsWith('call.ring-stopped'))).toEqual([
      'call.ring-stopped:1001',
      'call.ring-stopped:1002',
    ]);
  });

  it('direct dial to a busy operator ends busy', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', caller)),
      amiEvent('Newchannel', T0 + 0.1, snap('', agent1)),
      amiEvent('DialBegin', T0 + 0.1, { ...snap('', caller), ...snap('dest', agent1) }),
      amiEvent('DialEnd', T0 + 0.2, { ...snap('', caller), ...snap('dest', agent1), dialstatus: 'BUSY' }),
      amiEvent('Hangup', T0 + 0.2, { ...snap('', agent1), cause: '17' }),
      amiEvent('Hangup', T0 + 1, { ...snap('', caller), cause: '17' }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', cause: 'busy', abandoned: false });
  });

  it('caller hanging up during a direct dial is abandoned', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', caller)),
      amiEvent('Newchannel', T0 + 0.1, snap('', agent1)),
      amiEvent('DialBegin', T0 + 0.1, { ...snap('', caller), ...snap('dest', agent1) }),
      amiEvent('DialEnd', T0 + 9, { ...snap('', caller), ...snap('dest', agent1), dialstatus: 'CANCEL' }),
      amiEvent('Hangup', T0 + 9, { ...snap('', agent1), cause: '16' }),
      amiEvent('Hangup', T0 + 9, { ...snap('', caller), cause: '16' }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', cause: 'cancel', abandoned: true, waitSeconds: 9 });
  });
});

describe('call tracker: outbound and internal', () => {
  const phone: Chan = {
    name: 'PJSIP/1001-0000000a',
    uniqueid: '1800.1',
    linkedid: '1800.1',
    num: '1001',
    exten: '89161234567',
  };
  const trunk: Chan = { name: 'PJSIP/trunk-0000000b', uniqueid: '1800.2', linkedid: '1800.1', num: '89161234567' };

  it('an operator dialling 8-prefixed number is outbound to E.164, answered by the far end', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', phone)),
      amiEvent('Newchannel', T0 + 0.5, snap('', trunk)),
      amiEvent('DialBegin', T0 + 0.5, { ...snap('', phone), ...snap('dest', trunk), dialstring: '89161234567@trunk' }),
      amiEvent('DialEnd', T0 + 5, { ...snap('', phone), ...snap('dest', trunk), dialstatus: 'ANSWER' }),
      amiEvent('BridgeEnter', T0 + 5, { ...snap('', phone), bridgenumchannels: '1', bridgetype: 'basic' }),
      amiEvent('BridgeEnter', T0 + 5, { ...snap('', trunk), bridgenumchannels: '2', bridgetype: 'basic' }),
      amiEvent('Hangup', T0 + 35, { ...snap('', trunk), cause: '16' }),
      amiEvent('Hangup', T0 + 35, { ...snap('', phone), cause: '16' }),
    ]);
    expect(types(events)).toEqual(['call.created', 'call.answered', 'call.ended']);
    expect(events[0]).toMatchObject({
      direction: 'outbound',
      from: { extension: '1001' },
      to: { e164: '+79161234567' },
    });
    expect(events[1]).toMatchObject({ agentId: '1001', waitSeconds: 5 });
    expect(events[2]).toMatchObject({ direction: 'outbound', talkSeconds: 30, cause: 'normal-clearing' });
  });

  it('click-to-call originate: operator leg rings first, destination learnt at dial time', () => {
    const leg: Chan = { name: 'PJSIP/1001-0000000c', uniqueid: '1900.1', linkedid: '1900.1', num: '' };
    const out: Chan = { name: 'PJSIP/trunk-0000000d', uniqueid: '1900.2', linkedid: '1900.1', num: '+79161234567' };
    const { events } = fold([
      amiEvent('Newchannel', T0, { ...snap('', leg), context: 'from-crm' }),
      amiEvent('DialBegin', T0, snap('dest', leg)),
      amiEvent('DialEnd', T0 + 3, { ...snap('dest', leg), dialstatus: 'ANSWER' }),
      amiEvent('NewExten', T0 + 3, { ...snap('', { ...leg, exten: '+79161234567' }), application: 'Dial' }),
      amiEvent('Newchannel', T0 + 3.1, snap('', out)),
      amiEvent('DialBegin', T0 + 3.1, { ...snap('', { ...leg, exten: '+79161234567' }), ...snap('dest', out) }),
      amiEvent('DialEnd', T0 + 10, { ...snap('', leg), ...snap('dest', out), dialstatus: 'ANSWER' }),
      amiEvent('Hangup', T0 + 20, { ...snap('', out), cause: '16' }),
      amiEvent('Hangup', T0 + 20, { ...snap('', leg), cause: '16' }),
    ]);
    expect(types(events)).toEqual([
      'call.created',
      'call.ringing:1001',
      'call.ring-stopped:1001',
      'call.answered',
      'call.ended',
    ]);
    expect(events[3]).toMatchObject({
      direction: 'outbound',
      agentId: '1001',
      to: { e164: '+79161234567' },
      waitSeconds: 10,
    });
  });

  it('operator to operator is internal', () => {
    const a: Chan = { name: 'PJSIP/1001-00000010', uniqueid: '2000.1', linkedid: '2000.1', num: '1001', exten: '1002' };
    const b: Chan = { name: 'PJSIP/1002-00000011', uniqueid: '2000.2', linkedid: '2000.1', num: '1002' };
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', a)),
      amiEvent('Newchannel', T0, snap('', b)),
      amiEvent('DialBegin', T0, { ...snap('', a), ...snap('dest', b) }),
      amiEvent('DialEnd', T0 + 2, { ...snap('', a), ...snap('dest', b), dialstatus: 'ANSWER' }),
      amiEvent('Hangup', T0 + 4, { ...snap('', b), cause: '16' }),
      amiEvent('Hangup', T0 + 4, { ...snap('', a), cause: '16' }),
    ]);
    expect(events[0]).toMatchObject({ direction: 'internal', to: { extension: '1002' } });
    expect(events.find((e) => e.type === 'call.answered')).toMatchObject({ agentId: '1002' });
  });

  it('anonymous caller gets an anonymous party', () => {
    const anon = { ...caller, num: 'anonymous' };
    const { events } = fold([amiEvent('Newchannel', T0, snap('', anon))]);
    expect(events[0]).toMatchObject({ from: { anonymous: true, e164: null } });
  });
});

describe('call tracker: caller-ID presentation (PAI + Privacy: id)', () => {
  const withheld = { raw: 'anonymous', e164: null, extension: null, name: null, anonymous: true };
  const pres = (value: string) => ({ '': { 'CALLERID(num-pres)': value } });
  const named = { ...caller, num: '+79160003399', cidName: 'Ivan' };

  it('a restricted presentation withholds the number and name the PBX still reports', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', named), pres('allowed_not_screened')),
      amiEvent(
        'VarSet',
        T0 + 0.01,
        { ...snap('', named), variable: 'SIPDOMAIN', value: 'x' },
        pres('prohib_not_screened'),
      ),
      amiEvent('Hangup', T0 + 3, { ...snap('', named), cause: '16' }, pres('prohib_not_screened')),
    ]);
    expect(types(events)).toEqual(['call.created', 'call.ended']);
    for (const e of callEvents(events)) expect(e.from).toEqual(withheld);
    expect(JSON.stringify(events)).not.toContain('9160003399');
  });

  it("waits for the caller's next event after a Newchannel (its presentation is not final), keeping its time", () => {
    const first = fold([amiEvent('Newchannel', T0, snap('', named), pres('allowed_not_screened'))]);
    expect(first.events).toEqual([]);
    const { events } = fold(
      [amiEvent('Newexten', T0 + 0.5, { ...snap('', named), application: 'Set' }, pres('prohib_passed_screen'))],
      first.state,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'call.created', seq: 1, from: withheld });
    expect((events[0] as CallEvent).occurredAt).toBe(new Date(T0 * 1000).toISOString());
  });

  it('an allowed presentation keeps the number; without the variable nothing waits (older profiles)', () => {
    const allowed = fold([
      amiEvent('Newchannel', T0, snap('', named), pres('allowed_not_screened')),
      amiEvent('Newexten', T0 + 0.1, snap('', named), pres('allowed_passed_screen')),
    ]).events;
    expect(allowed[0]).toMatchObject({ type: 'call.created', from: { e164: '+79160003399', name: 'Ivan' } });
    const plain = fold([amiEvent('Newchannel', T0, snap('', named))]).events;
    expect(plain[0]).toMatchObject({ type: 'call.created', from: { e164: '+79160003399', anonymous: false } });
  });

  it('a call hung up right after its Newchannel is still created before it ends', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', named), pres('allowed_not_screened')),
      amiEvent('Hangup', T0 + 0.2, { ...snap('', named), cause: '16' }, pres('unavailable')),
    ]);
    expect(types(events)).toEqual(['call.created', 'call.ended']);
    expect(callEvents(events).map((e) => e.seq)).toEqual([1, 2]);
    expect(callEvents(events)[0]!.from).toEqual(withheld);
  });
});

describe('call tracker: calls the dialplan refuses by policy (ZV_BLOCKED)', () => {
  const blocked = (value = '1') => ({ '': { ZV_BLOCKED: value } });

  it('a blocked caller rejected before any ring ends unanswered with blocked: true', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, { ...snap('', caller), context: 'from-trunk' }, blocked('')),
      amiEvent('VarSet', T0 + 0.1, { ...snap('', caller), variable: 'ZV_BLOCKED', value: '1' }, blocked()),
      amiEvent('Hangup', T0 + 0.2, { ...snap('', caller), cause: '21' }, blocked()),
    ]);
    expect(types(events)).toEqual(['call.created', 'call.ended']);
    expect(events[1]).toMatchObject({ direction: 'inbound', answered: false, blocked: true, rawCause: '21' });
  });

  it('the flag is read from a VarSet alone too (a profile that does not export the variable)', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', caller)),
      amiEvent('VarSet', T0 + 0.1, { ...snap('', caller), variable: 'ZV_BLOCKED', value: '1' }),
      amiEvent('Hangup', T0 + 0.2, { ...snap('', caller), cause: '21' }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', blocked: true });
  });

  it("a click-to-call refused before dialling keeps the dialled number from the dialplan's exten", () => {
    const leg: Chan = { name: 'PJSIP/1001-0000000e', uniqueid: '1950.1', linkedid: '1950.1', num: '' };
    const { events } = fold([
      amiEvent('Newchannel', T0, { ...snap('', leg), context: 'from-crm' }),
      amiEvent('DialBegin', T0, snap('dest', leg)),
      amiEvent('DialEnd', T0 + 2, { ...snap('dest', leg), dialstatus: 'ANSWER' }),
      amiEvent('NewExten', T0 + 2, { ...snap('', { ...leg, exten: '89161234567' }), application: 'Set' }),
      // The lookup runs in a Gosub: the leg is at `s` of zv-dial-policy when it is refused.
      amiEvent('NewExten', T0 + 2, { ...snap('', { ...leg, exten: 's' }), application: 'Set' }),
      amiEvent('VarSet', T0 + 2.1, { ...snap('', { ...leg, exten: 's' }), variable: 'ZV_BLOCKED', value: '1' }),
      amiEvent('Hangup', T0 + 2.2, { ...snap('', { ...leg, exten: 's' }), cause: '21' }),
    ]);
    const ended = events.at(-1);
    expect(ended).toMatchObject({ type: 'call.ended', direction: 'outbound', answered: false, blocked: true });
    expect(ended).toMatchObject({ to: { e164: '+79161234567' } });
  });

  it('only the caller leg counts, and an answered call is never reported blocked', () => {
    const onAgentLeg = fold([
      ...queueStart(),
      amiEvent('VarSet', T0 + 2, { ...snap('', agent1), variable: 'ZV_BLOCKED', value: '1' }),
      amiEvent('Hangup', T0 + 3, { ...snap('', caller), cause: '16' }),
      amiEvent('Hangup', T0 + 3, { ...snap('', agent1), cause: '16' }),
      amiEvent('Hangup', T0 + 3, { ...snap('', agent2), cause: '16' }),
    ]).events;
    expect(onAgentLeg.at(-1)).toMatchObject({ type: 'call.ended' });
    expect(onAgentLeg.at(-1)).not.toHaveProperty('blocked');

    const answered = fold([
      ...queueAnswered().filter((e) => e.event !== 'Hangup' || e.fields.channel === agent2.name),
      amiEvent('VarSet', T0 + 50, { ...snap('', caller), variable: 'ZV_BLOCKED', value: '1' }),
      amiEvent('Hangup', T0 + 60, { ...snap('', caller), cause: '16' }),
      amiEvent('Hangup', T0 + 60, { ...snap('', agent1), cause: '16' }),
    ]).events;
    expect(answered.at(-1)).toMatchObject({ type: 'call.ended', answered: true });
    expect(answered.at(-1)).not.toHaveProperty('blocked');
  });

  it("with blockedVariable '' the variable means nothing", () => {
    const { events } = reduceAll(
      initialTrackerState(),
      [
        amiEvent('Newchannel', T0, snap('', caller), blocked()),
        amiEvent('Hangup', T0 + 0.2, { ...snap('', caller), cause: '21' }, blocked()),
      ],
      { ...cfg, blockedVariable: '' },
    );
    expect(events.at(-1)).not.toHaveProperty('blocked');
  });
});

describe('call tracker: transfers', () => {
  it('blind transfer moves the call to the target operator', () => {
    const transferEvents = [
      ...queueAnswered().slice(0, 12),
      amiEvent('BlindTransfer', T0 + 40, {
        result: 'Success',
        ...snap('transferer', agent1),
        ...snap('transferee', caller),
        context: 'from-internal',
        extension: '1003',
        isexternal: 'No',
      }),
      amiEvent('Hangup', T0 + 40, { ...snap('', agent1), cause: '16' }),
      amiEvent(
        'Newchannel',
        T0 + 40.1,
        snap('', { name: 'PJSIP/1003-00000009', uniqueid: '1700.9', linkedid: '1700.1' }),
      ),
      amiEvent('DialBegin', T0 + 40.1, {
        ...snap('', caller),
        ...snap('dest', { name: 'PJSIP/1003-00000009', uniqueid: '1700.9', linkedid: '1700.1' }),
      }),
      amiEvent('DialEnd', T0 + 45, {
        ...snap('', caller),
        ...snap('dest', { name: 'PJSIP/1003-00000009', uniqueid: '1700.9', linkedid: '1700.1' }),
        dialstatus: 'ANSWER',
      }),
      amiEvent('Hangup', T0 + 100, { ...snap('', caller), cause: '16' }),
      amiEvent('Hangup', T0 + 100, {
        ...snap('', { name: 'PJSIP/1003-00000009', uniqueid: '1700.9', linkedid: '1700.1' }),
        cause: '16',
      }),
    ];
    const { events } = fold(transferEvents);
    const t = types(events);
    expect(t.slice(t.indexOf('call.transferred'))).toEqual([
      'call.transferred',
      'call.ringing:1003',
      'call.bridged',
      'recording.ready',
      'call.ended',
    ]);
    expect(events.find((e) => e.type === 'call.transferred')).toMatchObject({
      kind: 'blind',
      fromAgentId: '1001',
      agentId: '1003',
    });
    expect(events.at(-1)).toMatchObject({ agentId: '1003', talkSeconds: 92, answered: true });
  });

  it("attended transfer from the operator's phone: its consultation (a linkedid of its own) folds into the customer's call", () => {
    const consult: Chan = {
      name: 'PJSIP/1001-00000020',
      uniqueid: '1700.20',
      linkedid: '1700.20',
      num: '1001',
      exten: '1002',
    };
    const target: Chan = { name: 'PJSIP/1002-00000021', uniqueid: '1700.21', linkedid: '1700.20', num: '1002' };
    const evs = [
      ...queueAnswered().slice(0, 15),
      amiEvent('Newchannel', T0 + 30, snap('', consult)),
      amiEvent('Newchannel', T0 + 30, snap('', target)),
      amiEvent('DialBegin', T0 + 30, { ...snap('', consult), ...snap('dest', target) }),
      amiEvent('DialEnd', T0 + 33, { ...snap('', consult), ...snap('dest', target), dialstatus: 'ANSWER' }),
      amiEvent('AttendedTransfer', T0 + 40, {
        result: 'Success',
        ...snap('origtransferer', agent1),
        ...snap('secondtransferer', consult),
        ...snap('transferee', caller),
        ...snap('transfertarget', target),
        desttype: 'Link',
      }),
      amiEvent('Hangup', T0 + 40, { ...snap('', agent1), cause: '16' }),
      amiEvent('Hangup', T0 + 40, { ...snap('', consult), cause: '16' }),
      // Asterisk propagates the oldest linkedid to the target once it shares the customer's bridge.
      amiEvent('BridgeEnter', T0 + 40.1, {
        ...snap('', { ...target, linkedid: '1700.1' }),
        bridgeuniqueid: 'b1',
        bridgenumchannels: '2',
        bridgetype: 'basic',
      }),
      amiEvent('Hangup', T0 + 90, { ...snap('', { ...target, linkedid: '1700.1' }), cause: '16' }),
      amiEvent('Hangup', T0 + 90, { ...snap('', caller), cause: '16' }),
    ];
    // A late event of the consultation's linkedid, after the call ended, starts no call of its own.
    const late = amiEvent('VarSet', T0 + 91, { ...snap('', { ...consult, uniqueid: '1700.22' }), variable: 'X' });
    const { events, state } = fold([...evs, late]);
    expect(new Set(events.flatMap((e) => ('callId' in e ? [e.callId] : [])))).toEqual(new Set([callIdFor('1700.1')]));
    const customerTypes = events
      .filter((e) => 'callId' in e)
      .map(
        (e) =>
          `${e.type}${e.type === 'call.ringing' || e.type === 'call.ring-stopped' || e.type === 'call.bridged' ? `:${e.agentId}` : ''}`,
      );
    expect(customerTypes.slice(customerTypes.indexOf('call.answered'))).toEqual([
      'call.answered',
      'call.ring-stopped:1002',
      'call.ringing:1002',
      'call.ring-stopped:1002',
      'call.transferred',
      'call.bridged:1002',
      'recording.ready',
      'call.ended',
    ]);
    expect(events.find((e) => e.type === 'call.transferred')).toMatchObject({
      kind: 'attended',
      fromAgentId: '1001',
      agentId: '1002',
    });
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', agentId: '1002', answered: true, direction: 'inbound' });
    expect(state.calls.size).toBe(0);
    expect(state.consultations.size).toBe(0);
  });

  it("a consultation the colleague refuses (busy) leaves the customer's call as it was, whose end is the customer's", () => {
    const consult: Chan = {
      name: 'PJSIP/1001-00000040',
      uniqueid: '1700.40',
      linkedid: '1700.40',
      num: '1001',
      exten: '1002',
    };
    const target: Chan = { name: 'PJSIP/1002-00000041', uniqueid: '1700.41', linkedid: '1700.40', num: '1002' };
    const { events, state } = fold([
      ...queueAnswered().slice(0, 15),
      amiEvent('Newchannel', T0 + 30, snap('', consult)),
      amiEvent('Newchannel', T0 + 30, snap('', target)),
      amiEvent('DialBegin', T0 + 30, { ...snap('', consult), ...snap('dest', target) }),
      amiEvent('DialEnd', T0 + 31, { ...snap('', consult), ...snap('dest', target), dialstatus: 'BUSY' }),
      amiEvent('Hangup', T0 + 31, { ...snap('', target), cause: '17' }),
      amiEvent('Hangup', T0 + 31, { ...snap('', consult), cause: '17' }),
      amiEvent('Hangup', T0 + 60, { ...snap('', caller), cause: '16' }),
      amiEvent('Hangup', T0 + 60, { ...snap('', agent1), cause: '16' }),
    ]);
    expect(new Set(events.flatMap((e) => ('callId' in e ? [e.callId] : [])))).toEqual(new Set([callIdFor('1700.1')]));
    expect(events.at(-1)).toMatchObject({
      type: 'call.ended',
      cause: 'normal-clearing',
      answered: true,
      agentId: '1001',
    });
    expect(state.calls.size).toBe(0);
  });

  it('an operator who dials a colleague while on no call makes an internal call of its own', () => {
    const own: Chan = {
      name: 'PJSIP/1001-00000030',
      uniqueid: '1700.30',
      linkedid: '1700.30',
      num: '1001',
      exten: '1002',
    };
    const { events, state } = fold([amiEvent('Newchannel', T0, snap('', own))]);
    expect(events).toEqual([expect.objectContaining({ type: 'call.created', callId: callIdFor('1700.30') })]);
    expect(state.consultations.size).toBe(0);
  });
});

describe('call tracker: attended transfer by feature code (consultation inside the same linkedid)', () => {
  it('keeps the first operator until the transfer completes, then bridges the target', () => {
    const agent3: Chan = { name: 'PJSIP/1003-00000030', uniqueid: '1700.30', linkedid: '1700.1', num: '1003' };
    const { events } = fold([
      ...queueAnswered().slice(0, 15),
      amiEvent('Hold', T0 + 20, snap('', caller)),
      amiEvent('Newchannel', T0 + 21, snap('', agent3)),
      amiEvent('DialBegin', T0 + 21, { ...snap('', agent1), ...snap('dest', agent3) }),
      amiEvent('DialEnd', T0 + 24, { ...snap('', agent1), ...snap('dest', agent3), dialstatus: 'ANSWER' }),
      amiEvent('BridgeEnter', T0 + 24, {
        ...snap('', agent3),
        bridgeuniqueid: 'b2',
        bridgetype: 'basic',
        bridgenumchannels: '2',
      }),
      // Asterisk 22 moves the target into the customer's bridge, then publishes AttendedTransfer.
      amiEvent('BridgeLeave', T0 + 30, { ...snap('', agent3), bridgeuniqueid: 'b2' }),
      amiEvent('BridgeEnter', T0 + 30, {
        ...snap('', agent3),
        bridgeuniqueid: 'b1',
        bridgetype: 'basic',
        bridgenumchannels: '2',
      }),
      amiEvent('AttendedTransfer', T0 + 30, {
        result: 'Success',
        ...snap('origtransferer', agent1),
        ...snap('secondtransferer', agent1),
        ...snap('transferee', caller),
        ...snap('transfertarget', agent3),
        desttype: 'Bridge',
      }),
      amiEvent('Unhold', T0 + 30, snap('', caller)),
      amiEvent('Hangup', T0 + 30, { ...snap('', agent1), cause: '16' }),
      amiEvent('Hangup', T0 + 50, { ...snap('', agent3), cause: '16' }),
      amiEvent('Hangup', T0 + 50, { ...snap('', caller), cause: '16' }),
    ]);
    const t = types(events);
    expect(t.slice(t.indexOf('call.held'))).toEqual([
      'call.held',
      'call.ringing:1003',
      'call.ring-stopped:1003',
      'call.bridged',
      'call.transferred',
      'call.resumed',
      'recording.ready',
      'call.ended',
    ]);
    expect(events.find((e) => e.type === 'call.transferred')).toMatchObject({ fromAgentId: '1001', agentId: '1003' });
    expect(events.at(-1)).toMatchObject({ agentId: '1003', talkSeconds: 42 });
  });
});

describe('call tracker: robustness', () => {
  it('is idempotent when every event arrives twice', () => {
    const once = fold(queueAnswered()).events;
    const twice = fold(queueAnswered().flatMap((e) => [e, e])).events;
    expect(types(twice)).toEqual(types(once));
  });

  it('ignores unknown events and events for unknown channels', () => {
    const start = fold(queueStart()).state;
    const r1 = reduceAmiEvent(start, amiEvent('FullyBooted', T0 + 2, { status: 'Fully Booted' }), cfg);
    expect(r1.events).toEqual([]);
    expect(r1.state.calls).toEqual(start.calls);
    const r2 = reduceAmiEvent(
      start,
      amiEvent('Hangup', T0 + 2, { ...snap('', { name: 'PJSIP/9-1', uniqueid: 'x', linkedid: 'x' }), cause: '16' }),
      cfg,
    );
    expect(r2.events).toEqual([]);
    expect(r2.state.channels).toEqual(start.channels);
    const r3 = reduceAmiEvent(start, amiEvent('DialEnd', T0 + 2, { dialstatus: 'ANSWER' }), cfg);
    expect(r3.events).toEqual([]);
  });

  it('treats wire ids named like Object members as plain ids', () => {
    const odd: Chan = { name: 'PJSIP/trunk-1', uniqueid: 'constructor', linkedid: 'constructor' };
    const { events } = fold([
      amiEvent('Hangup', T0, { ...snap('', { ...odd, uniqueid: 'toString', linkedid: '__proto__' }), cause: '16' }),
      amiEvent('Newchannel', T0, snap('', odd)),
      amiEvent('QueueMemberStatus', T0, { interface: 'PJSIP/1001', status: 'constructor' }),
      amiEvent('Cdr', T0, { linkedid: 'hasOwnProperty', disposition: 'constructor' }),
      amiEvent('Hangup', T0 + 1, { ...snap('', odd), cause: '16' }),
    ]);
    expect(types(events)).toEqual(['call.created', 'agent.state', 'call.ended']);
  });

  it('never reopens an ended call on late events', () => {
    const { state } = fold(queueAnswered());
    const late = fold(
      [
        amiEvent('VarSet', T0 + 99, { ...snap('', caller), variable: 'X', value: '1' }),
        amiEvent('Hangup', T0 + 99, snap('', caller)),
      ],
      state,
    );
    expect(late.events).toEqual([]);
  });

  it('bounds the memory of ended calls', () => {
    let s = initialTrackerState();
    for (let i = 0; i < 30; i++) {
      const c: Chan = { name: `PJSIP/trunk-${i}`, uniqueid: `u${i}`, linkedid: `u${i}` };
      s = reduceAll(
        s,
        [amiEvent('Newchannel', T0 + i, snap('', c)), amiEvent('Hangup', T0 + i, { ...snap('', c), cause: '16' })],
        { ...cfg, endedMemory: 10 },
      ).state;
    }
    const remembered = s.ended.flatMap((g) => Object.keys(g));
    expect(remembered.length).toBeGreaterThanOrEqual(10);
    expect(remembered.length).toBeLessThanOrEqual(12);
    expect(remembered).toContain('u29');
    expect(remembered).not.toContain('u0');
  });

  it('uses the last PBX timestamp for events without one and never reads the clock', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', caller)),
      { event: 'Hangup', fields: { event: 'Hangup', ...snap('', caller), cause: '16' }, lists: {}, variables: {} },
    ]);
    expect(events.at(-1)!.occurredAt).toBe(new Date(T0 * 1000).toISOString());
  });

  it('reads the recording from a ChanVariable as well as from VarSet', () => {
    const { events } = fold([
      amiEvent('Newchannel', T0, snap('', caller), { '': { MIXMONITOR_FILENAME: '/rec/a.wav' } }),
      amiEvent('Hangup', T0 + 1, { ...snap('', caller), cause: '16' }),
    ]);
    expect(events.find((e) => e.type === 'recording.ready')).toMatchObject({ file: '/rec/a.wav' });
  });

  it('says the recording is closed when the PBX reported MixMonitorStop before the hang-up, and only then', () => {
    const recorded = (stop: AmiEvent[]) =>
      fold([
        amiEvent('Newchannel', T0, snap('', caller), { '': { MIXMONITOR_FILENAME: '/rec/b.wav' } }),
        ...stop,
        amiEvent('Hangup', T0 + 2, { ...snap('', caller), cause: '16' }),
      ]).events.find((e) => e.type === 'recording.ready');
    const stop = amiEvent('MixMonitorStop', T0 + 1, snap('', caller), { '': { MIXMONITOR_FILENAME: '/rec/b.wav' } });
    expect(recorded([stop])).toMatchObject({ file: '/rec/b.wav', closed: true });
    expect(recorded([])).not.toHaveProperty('closed');
    // A stop of another file (the first operator's, before a transfer) says nothing about the one reported.
    const other = amiEvent('MixMonitorStop', T0 + 1, snap('', caller), { '': { MIXMONITOR_FILENAME: '/rec/a.wav' } });
    expect(recorded([other])).not.toHaveProperty('closed');
  });
});

describe('agent state', () => {
  it('reports a call the operator takes on the softphone twin (PJSIP/1001-web) as operator 1001', () => {
    const web: Chan = { name: 'PJSIP/1001-web-00000004', uniqueid: '1700.4', linkedid: '1700.1', num: '1001-web' };
    const { events } = fold([
      amiEvent('Newchannel', T0, { ...snap('', caller), context: 'from-trunk' }),
      amiEvent('Newchannel', T0 + 1, snap('', web)),
      amiEvent('DialBegin', T0 + 1, { ...snap('', caller), ...snap('dest', web), dialstring: '1001-web' }),
      amiEvent('DialEnd', T0 + 3, { ...snap('', caller), ...snap('dest', web), dialstatus: 'ANSWER' }),
    ]);
    expect(callEvents(events).map((e) => [e.type, e.agentId ?? null])).toEqual([
      ['call.created', null],
      ['call.ringing', '1001'],
      ['call.answered', '1001'],
    ]);
  });

  it('aggregates an operator with a desk phone and a web softphone (both queue members)', () => {
    const { events } = fold([
      amiEvent('QueueMemberStatus', T0, {
        queue: 'support',
        interface: 'PJSIP/1001',
        stateinterface: 'PJSIP/1001',
        status: '1',
        paused: '0',
      }),
      amiEvent('QueueMemberStatus', T0, {
        queue: 'support',
        interface: 'PJSIP/1001-web',
        stateinterface: 'PJSIP/1001-web',
        status: '5',
        paused: '0',
      }),
      amiEvent('DeviceStateChange', T0 + 1, { device: 'PJSIP/1001-web', state: 'NOT_INUSE' }),
      amiEvent('DeviceStateChange', T0 + 2, { device: 'PJSIP/1001-web', state: 'INUSE' }),
      amiEvent('DeviceStateChange', T0 + 3, { device: 'PJSIP/1001', state: 'UNAVAILABLE' }),
      amiEvent('DeviceStateChange', T0 + 4, { device: 'PJSIP/1001-web', state: 'NOT_INUSE' }),
      amiEvent('DeviceStateChange', T0 + 5, { device: 'PJSIP/1001-web', state: 'UNAVAILABLE' }),
    ]);
    expect(events.map((e) => (e.type === 'agent.state' ? e.status : e.type))).toEqual([
      'available',
      'busy',
      'available',
      'offline',
    ]);
  });

  describe('pause: the operator is paused only when every queue member of theirs is', () => {
    const member = (iface: string, paused: boolean, queue = 'support', reason?: string) =>
      amiEvent('QueueMemberStatus', T0, {
        queue,
        interface: iface,
        stateinterface: iface,
        status: '1',
        paused: paused ? '1' : '0',
        ...(reason ? { pausedreason: reason } : {}),
      });
    const pause = (at: number, iface: string, paused: boolean, reason?: string, queue: string | null = 'support') =>
      amiEvent('QueueMemberPause', T0 + at, {
        ...(queue ? { queue } : {}),
        interface: iface,
        paused: paused ? '1' : '0',
        ...(reason ? { pausedreason: reason } : {}),
      });
    const states = (events: TelephonyEvent[]) =>
      events.flatMap((e) =>
        e.type === 'agent.state' ? [`${e.status}${e.pauseReason ? `:${e.pauseReason}` : ''}`] : [],
      );

    it("reports a pause of both devices once, though the other device's status comes in between", () => {
      const { events } = fold([
        member('PJSIP/1001', false),
        member('PJSIP/1001-web', false),
        pause(1, 'PJSIP/1001', true, 'wrap-up'),
        // The softphone's member, not paused yet: once this flipped the operator back to available.
        member('PJSIP/1001-web', false),
        pause(2, 'PJSIP/1001-web', true, 'wrap-up'),
        member('PJSIP/1001', true, 'support', 'wrap-up'),
        pause(3, 'PJSIP/1001', false),
        member('PJSIP/1001-web', true, 'support', 'wrap-up'),
        pause(4, 'PJSIP/1001-web', false),
      ]);
      expect(states(events)).toEqual(['available', 'paused:wrap-up', 'available']);
    });

    it('a pause of one device, or in one queue of two, leaves the operator available', () => {
      const { events } = fold([
        member('PJSIP/1001', false),
        member('PJSIP/1001', false, 'sales'),
        pause(1, 'PJSIP/1001', true, 'Auto-Pause'),
        pause(2, 'PJSIP/1001', true, 'lunch', 'sales'),
        pause(3, 'PJSIP/1001', false, undefined, 'sales'),
      ]);
      expect(states(events)).toEqual(['available', 'paused:lunch', 'available']);
    });

    it('a pause with no queue given is one of every queue member of that interface', () => {
      const { events } = fold([
        member('PJSIP/1001', false),
        member('PJSIP/1001', false, 'sales'),
        pause(1, 'PJSIP/1001', true, 'pbx', null),
        pause(2, 'PJSIP/1001', false, undefined, null),
      ]);
      expect(states(events)).toEqual(['available', 'paused:pbx', 'available']);
    });

    it('a member that left its queue no longer keeps the operator available', () => {
      const { events } = fold([
        member('PJSIP/1001', false),
        member('PJSIP/1001', false, 'sales'),
        pause(1, 'PJSIP/1001', true, 'lunch'),
        amiEvent('QueueMemberRemoved', T0 + 2, { queue: 'sales', interface: 'PJSIP/1001', membername: '1001' }),
      ]);
      expect(states(events)).toEqual(['available', 'paused:lunch']);
    });
  });

  it('maps queue member status, pause and device state, deduplicated', () => {
    const { events } = fold([
      amiEvent('QueueMemberStatus', T0, {
        queue: 'support',
        interface: 'PJSIP/1001',
        membername: 'Op 1',
        status: '1',
        paused: '0',
      }),
      amiEvent('QueueMemberStatus', T0, {
        queue: 'support',
        interface: 'PJSIP/1001',
        membername: 'Op 1',
        status: '1',
        paused: '0',
      }),
      amiEvent('DeviceStateChange', T0 + 1, { device: 'PJSIP/1001', state: 'RINGING' }),
      amiEvent('DeviceStateChange', T0 + 2, { device: 'PJSIP/1001', state: 'INUSE' }),
      amiEvent('QueueMemberPause', T0 + 3, {
        queue: 'support',
        interface: 'PJSIP/1001',
        paused: '1',
        pausedreason: 'lunch',
      }),
      amiEvent('DeviceStateChange', T0 + 4, { device: 'PJSIP/1001', state: 'NOT_INUSE' }),
      amiEvent('QueueMemberPause', T0 + 5, { queue: 'support', interface: 'PJSIP/1001', paused: '0' }),
      amiEvent('DeviceStateChange', T0 + 6, { device: 'Queue:support_avail', state: 'NOT_INUSE' }),
    ]);
    expect(events.map((e) => (e.type === 'agent.state' ? [e.agentId, e.status, e.pauseReason ?? ''] : e.type))).toEqual(
      [
        ['1001', 'available', ''],
        ['1001', 'ringing', ''],
        ['1001', 'busy', ''],
        ['1001', 'paused', 'lunch'],
        ['1001', 'available', ''],
      ],
    );
  });
});
