import { describe, expect, it } from 'vitest';

import { expirePendingCalls, resyncTracker } from '@telephony/ami/ami-resync';
import { amiEvent, snap, type Chan } from '@test/support/telephony/ami-test-events';
import type { OpenCall } from '@telephony/model/call-event';
import {
  DEFAULT_TRACKER_CONFIG,
  callIdFor,
  initialTrackerState,
  reduceAll,
  reduceAmiEvent,
} from '@telephony/ami/call-tracker';

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

const answeredCall = () =>
  reduceAll(
    initialTrackerState(),
    [
      amiEvent('Newchannel', T0, snap('', caller)),
      amiEvent('Newchannel', T0 + 1, snap('', agent1)),
      amiEvent('Newchannel', T0 + 1, snap('', agent2)),
      amiEvent('DialBegin', T0 + 1, { ...snap('', caller), ...snap('dest', agent1) }),
      amiEvent('DialBegin', T0 + 1, { ...snap('', caller), ...snap('dest', agent2) }),
      amiEvent('DialEnd', T0 + 5, { ...snap('', caller), ...snap('dest', agent1), dialstatus: 'ANSWER' }),
    ],
    cfg,
  ).state;

const coreShowChannel = (c: Chan, duration: string, bridgeid = '') =>
  amiEvent('CoreShowChannel', T0 + 100, {
    channel: c.name,
    uniqueid: c.uniqueid,
    linkedid: c.linkedid,
    calleridnum: c.num ?? '',
    exten: c.exten ?? '',
    duration,
    bridgeid,
  });

describe('resync', () => {
  it('closes a call that ended during the outage from its Cdr, once', () => {
    const resynced = resyncTracker(answeredCall(), { channels: [], queue: [], atMs: (T0 + 100) * 1000 }, cfg);
    expect(resynced.events.filter((e) => e.type.startsWith('call.'))).toHaveLength(0);
    const cdr = amiEvent('Cdr', T0 + 101, {
      linkedid: '1700.1',
      uniqueid: '1700.1',
      disposition: 'ANSWERED',
      duration: '65',
      billableseconds: '60',
    });
    const closed = reduceAmiEvent(resynced.state, cdr, cfg);
    expect(closed.events).toHaveLength(1);
    expect(closed.events[0]).toMatchObject({
      type: 'call.ended',
      callId: callIdFor('1700.1'),
      closedFromCdr: true,
      answered: true,
      cause: 'normal-clearing',
      talkSeconds: 60,
      waitSeconds: 5,
      occurredAt: new Date((T0 + 65) * 1000).toISOString(),
    });
    expect(reduceAmiEvent(closed.state, cdr, cfg).events).toEqual([]);
    expect(expirePendingCalls(closed.state, (T0 + 1000) * 1000, 30_000, cfg).events).toEqual([]);
  });

  it('ignores a Cdr for a call that is still live (Hangup closes those)', () => {
    const state = answeredCall();
    const r = reduceAmiEvent(
      state,
      amiEvent('Cdr', T0 + 6, { linkedid: '1700.1', disposition: 'NO ANSWER', duration: '6' }),
      cfg,
    );
    expect(r.events).toEqual([]);
  });

  it('closes with cause failed when no Cdr arrives within the grace period', () => {
    const resynced = resyncTracker(answeredCall(), { channels: [], queue: [], atMs: (T0 + 100) * 1000 }, cfg).state;
    expect(expirePendingCalls(resynced, (T0 + 120) * 1000, 30_000, cfg).events).toEqual([]);
    const expired = expirePendingCalls(resynced, (T0 + 131) * 1000, 30_000, cfg);
    expect(expired.events).toHaveLength(1);
    expect(expired.events[0]).toMatchObject({
      type: 'call.ended',
      cause: 'failed',
      answered: true,
      rawCause: 'RESYNC_NO_CDR',
    });
    expect(expired.state.calls.size).toBe(0);
    expect(expirePendingCalls(expired.state, (T0 + 999) * 1000, 30_000, cfg).events).toEqual([]);
  });

  it('keeps live calls, drops vanished legs, and learns calls that started while we were away', () => {
    const other: Chan = {
      name: 'PJSIP/trunk-00000009',
      uniqueid: '1800.1',
      linkedid: '1800.1',
      num: '+74950001122',
      exten: '4951112233',
    };
    const otherAgent: Chan = { name: 'PJSIP/1003-0000000a', uniqueid: '1800.2', linkedid: '1800.1', num: '1003' };
    const r = resyncTracker(
      answeredCall(),
      {
        channels: [
          coreShowChannel(caller, '00:01:40', 'b1'),
          coreShowChannel(agent1, '00:01:39', 'b1'),
          coreShowChannel(other, '00:00:30', 'b2'),
          coreShowChannel(otherAgent, '00:00:20', 'b2'),
        ],
        queue: [
          amiEvent('QueueMember', T0 + 100, {
            queue: 'support',
            location: 'PJSIP/1003',
            stateinterface: 'PJSIP/1003',
            status: '2',
            paused: '0',
          }),
        ],
        atMs: (T0 + 100) * 1000,
      },
      cfg,
    );
    expect(r.events.map((e) => e.type)).toEqual(['call.created', 'call.answered', 'agent.state']);
    expect(r.events[0]).toMatchObject({
      callId: callIdFor('1800.1'),
      occurredAt: new Date((T0 + 70) * 1000).toISOString(),
      direction: 'inbound',
    });
    // First learnt here: numbered from the snapshot's clock, after anything an earlier process said about it.
    expect(r.events.slice(0, 2).map((e) => ('seq' in e ? e.seq : 0))).toEqual([
      (T0 + 100) * 1000 + 1,
      (T0 + 100) * 1000 + 2,
    ]);
    expect(r.events[1]).toMatchObject({ agentId: '1003' });
    expect(r.events[2]).toMatchObject({ agentId: '1003', status: 'busy' });
    expect(r.state.calls.get('1700.1')!.live).toEqual(['1700.1', '1700.2']);
    expect(r.state.calls.get('1700.1')!.pendingCloseSinceMs).toBeUndefined();
  });

  it("folds an operator's consultation that began during the outage into the customer's call, whatever order the PBX lists its legs in", () => {
    // 1001 talks to the customer, then dials 1003 from the phone: a linkedid of its own (1700.9).
    const consult: Chan = {
      name: 'PJSIP/1001-00000009',
      uniqueid: '1700.9',
      linkedid: '1700.9',
      num: '1001',
      exten: '1003',
    };
    const colleague: Chan = { name: 'PJSIP/1003-0000000a', uniqueid: '1700.10', linkedid: '1700.9', num: '1003' };
    const customerLegs = [coreShowChannel(caller, '00:01:40', 'b1'), coreShowChannel(agent1, '00:01:39')];
    const consultLegs = [coreShowChannel(consult, '00:00:05'), coreShowChannel(colleague, '00:00:05')];
    for (const legs of [consultLegs, [...consultLegs].reverse()]) {
      const r = resyncTracker(
        answeredCall(),
        { channels: [...customerLegs, ...legs], queue: [], atMs: (T0 + 100) * 1000 },
        cfg,
      );
      expect(r.events.filter((e) => e.type === 'call.created')).toEqual([]);
      expect([...r.state.calls.keys()]).toEqual(['1700.1']);
      expect(r.state.calls.get('1700.1')!.live).toEqual(['1700.1', '1700.2', '1700.9', '1700.10']);
      // The colleague hanging up later ends no call of its own.
      const hangup = amiEvent('Hangup', T0 + 101, { ...snap('', colleague), cause: '16' });
      expect(reduceAmiEvent(r.state, hangup, cfg).events.filter((e) => e.type.startsWith('call.'))).toEqual([]);
    }
  });

  describe('a restarted adapter (fresh state) takes over the calls an earlier process left open', () => {
    const atMs = (T0 + 100) * 1000;
    const leftOpen: OpenCall = {
      callId: callIdFor('1700.1'),
      externalIds: { linkedid: '1700.1' },
      direction: 'inbound',
      from: { raw: '89161234567', e164: '+79161234567', extension: null, name: null, anonymous: false },
      to: { raw: '4951112233', e164: '+74951112233', extension: null, name: null, anonymous: false },
      queue: 'support',
      startedAt: new Date(T0 * 1000).toISOString(),
      answeredAt: new Date((T0 + 5) * 1000).toISOString(),
      agentId: '1001',
    };

    it('a call the PBX still has carries on: no second created or answered, and its end comes after', () => {
      const resynced = resyncTracker(
        initialTrackerState(),
        {
          channels: [coreShowChannel(caller, '00:01:40', 'b1'), coreShowChannel(agent1, '00:01:35', 'b1')],
          queue: [],
          atMs,
          openCalls: [leftOpen],
        },
        cfg,
      );
      expect(resynced.events.filter((e) => e.type.startsWith('call.'))).toEqual([]);
      const ended = reduceAll(
        resynced.state,
        [
          amiEvent('Hangup', T0 + 160, { ...snap('', agent1), cause: '16' }),
          amiEvent('Hangup', T0 + 160, { ...snap('', caller), cause: '16' }),
        ],
        cfg,
      ).events.filter((e) => e.type === 'call.ended');
      expect(ended).toHaveLength(1);
      expect(ended[0]).toMatchObject({
        callId: leftOpen.callId,
        answered: true,
        agentId: '1001',
        cause: 'normal-clearing',
        waitSeconds: 5,
        talkSeconds: 155,
        seq: atMs + 1,
      });
    });

    it('a call that ended while no adapter listened waits for its Cdr, then closes as failed, answered', () => {
      const resynced = resyncTracker(
        initialTrackerState(),
        { channels: [], queue: [], atMs, openCalls: [leftOpen] },
        cfg,
      );
      expect(resynced.events).toEqual([]);
      expect(expirePendingCalls(resynced.state, atMs + 10_000, 30_000, cfg).events).toEqual([]);
      const expired = expirePendingCalls(resynced.state, atMs + 31_000, 30_000, cfg).events;
      expect(expired).toEqual([
        expect.objectContaining({
          type: 'call.ended',
          callId: leftOpen.callId,
          answered: true,
          agentId: '1001',
          cause: 'failed',
          rawCause: 'RESYNC_NO_CDR',
          seq: atMs + 1,
        }),
      ]);
    });

    it('a call whose end reached the records after it was adopted is forgotten, not closed a second time', () => {
      const resynced = resyncTracker(
        initialTrackerState(),
        { channels: [], queue: [], atMs, openCalls: [leftOpen] },
        cfg,
      );
      const expired = expirePendingCalls(resynced.state, atMs + 31_000, 30_000, cfg, new Set([leftOpen.callId]));
      expect(expired.events).toEqual([]);
      expect(expired.state.calls.size).toBe(0);
      const lateCdr = amiEvent('Cdr', T0 + 140, { linkedid: '1700.1', disposition: 'ANSWERED', duration: '65' });
      expect(reduceAmiEvent(expired.state, lateCdr, cfg).events).toEqual([]);
    });

    it('a call this process already tracks, or already ended, is not taken over again', () => {
      const tracked = answeredCall();
      const again = resyncTracker(
        tracked,
        {
          channels: [coreShowChannel(caller, '00:01:40', 'b1'), coreShowChannel(agent1, '00:01:35', 'b1')],
          queue: [],
          atMs,
          openCalls: [{ ...leftOpen, agentId: '1009' }],
        },
        cfg,
      );
      expect(again.state.calls.get('1700.1')).toMatchObject({ agentId: '1001', seq: tracked.calls.get('1700.1')!.seq });
      const ended = reduceAll(
        again.state,
        [
          amiEvent('Hangup', T0 + 160, { ...snap('', agent1), cause: '16' }),
          amiEvent('Hangup', T0 + 160, { ...snap('', caller), cause: '16' }),
        ],
        cfg,
      ).state;
      const afterEnd = resyncTracker(
        ended,
        { channels: [], queue: [], atMs: atMs + 100_000, openCalls: [leftOpen] },
        cfg,
      );
      expect(afterEnd.state.calls.size).toBe(0);
      expect(afterEnd.events).toEqual([]);
    });
  });
});
