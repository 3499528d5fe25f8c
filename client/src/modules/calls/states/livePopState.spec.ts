import { describe, expect, it } from 'vitest';

import { type CallCard } from '@contracts/dto/call-card';
import { type LiveCallDto } from '@contracts/socket-events';
import {
  callsToRestore,
  initialLivePopState,
  type LivePopAction,
  livePopReducer,
} from '@client/modules/calls/states/livePopState';

const call = (over: Partial<LiveCallDto> = {}): LiveCallDto => ({
  id: 'c1',
  direction: 'inbound',
  from: { raw: '+79161234567', e164: '+79161234567', extension: null, anonymous: false },
  to: { raw: '7001', e164: null, extension: null, anonymous: false },
  queue: null,
  status: 'ringing',
  ringing: ['1001'],
  agentExtension: null,
  startedAt: '2026-11-23T10:00:00.000Z',
  answeredAt: null,
  ...over,
});
const card: CallCard = {
  kind: 'withheld',
  callId: 'c1',
  direction: 'inbound',
  queue: null,
  occurredAt: '2026-11-23T10:00:00.000Z',
  raw: 'anonymous',
};
const reduce = livePopReducer('1001');
const run = (actions: LivePopAction[]) => actions.reduce(reduce, initialLivePopState);
const ring = (ext = '1001', id = 'c1', receivedAt = 1): LivePopAction => ({
  type: 'ringing',
  payload: { call: call({ id }), agentExtension: ext, card: { ...card, callId: id } },
  receivedAt,
});
const answeredBy = (ext: string | null, id = 'c1', receivedAt = 1): LivePopAction => ({
  type: 'answered',
  payload: { call: call({ id, status: 'answered', agentExtension: ext }), agentExtension: ext },
  receivedAt,
});
const ended = (
  talkSeconds: number,
  disposition: 'answered' | 'missed' = 'answered',
  id = 'c1',
  receivedAt = 1,
): LivePopAction => ({
  type: 'ended',
  payload: { call: call({ id, status: 'ended' }), disposition, waitSeconds: 3, talkSeconds },
  receivedAt,
});
const restore = (live: LiveCallDto, asOf = 5): LivePopAction => ({
  type: 'restore',
  call: live,
  card: { ...card, callId: live.id, raw: 'restored' },
  asOf,
});

describe('livePopReducer', () => {
  it('pops the card when my phone rings, not when a colleague’s does', () => {
    expect(run([ring()]).pops).toMatchObject([{ callId: 'c1', phase: 'ringing' }]);
    expect(run([ring('1002')]).pops).toEqual([]);
  });

  it('updates the card of a ring repeated (e.g. after a reconnect) instead of duplicating it', () => {
    expect(run([ring(), ring()]).pops).toHaveLength(1);
  });

  it('hides the card when another operator answers', () => {
    expect(run([ring(), answeredBy('1002')]).pops).toEqual([]);
  });

  it('keeps the card during my call and turns it into wrap-up when it ends, with the talk time', () => {
    const talking = run([ring(), answeredBy('1001')]);
    expect(talking.pops[0]?.phase).toBe('talking');
    const after = reduce(talking, ended(42));
    expect(after.pops[0]).toMatchObject({ phase: 'wrap-up', talkSeconds: 42 });
  });

  it('drops the card of a call that ended unanswered (caller gave up)', () => {
    expect(run([ring(), ended(0, 'missed')]).pops).toEqual([]);
  });

  it('moves to wrap-up when I transfer the call away, and ignores the later end for the talk time', () => {
    const state = run([
      ring(),
      answeredBy('1001'),
      {
        type: 'transferred',
        payload: {
          call: call({ agentExtension: '1002' }),
          kind: 'blind',
          fromAgentExtension: '1001',
          toAgentExtension: '1002',
        },
        receivedAt: 1,
      },
    ]);
    expect(state.pops[0]?.phase).toBe('wrap-up');
    // The colleague answering the transferred call must not remove my wrap-up.
    const later = run([...[ring(), answeredBy('1001')], { type: 'dismiss', callId: 'zz' }]);
    expect(reduce(later, answeredBy('1002')).pops[0]?.phase).toBe('talking');
    expect(reduce(state, answeredBy('1002')).pops[0]?.phase).toBe('wrap-up');
  });

  it('keeps the card when a call is transferred to me', () => {
    const state = run([
      ring(),
      {
        type: 'transferred',
        payload: {
          call: call({ agentExtension: '1001' }),
          kind: 'attended',
          fromAgentExtension: '1003',
          toAgentExtension: '1001',
        },
        receivedAt: 1,
      },
    ]);
    expect(state.pops).toHaveLength(1);
  });

  it('dismisses a card once wrap-up is saved', () => {
    const state = run([ring(), answeredBy('1001'), ended(5), { type: 'dismiss', callId: 'c1' }]);
    expect(state.pops).toEqual([]);
  });

  it('ignores events for calls it never showed', () => {
    const state = run([ring()]);
    const other: LivePopAction = {
      type: 'ended',
      payload: { call: call({ id: 'x', status: 'ended' }), disposition: 'answered', waitSeconds: 1, talkSeconds: 1 },
      receivedAt: 2,
    };
    expect(reduce(state, other).pops).toBe(state.pops);
  });

  describe('resync after a reconnect', () => {
    it('drops a ringing card whose call is gone or was answered by someone else', () => {
      const state = run([ring('1001', 'a'), ring('1001', 'b')]);
      const next = reduce(state, {
        type: 'resync',
        calls: [call({ id: 'b', status: 'answered', agentExtension: '1002' })],
        asOf: 5,
      });
      expect(next.pops).toEqual([]);
    });

    it('moves my call to wrap-up when it ended while I was offline, to talking when I answered', () => {
      const state = run([ring('1001', 'a'), answeredBy('1001'), ring('1001', 'b')]);
      // `answeredBy` targets c1; make 'a' talking explicitly:
      const talking = reduce(state, {
        type: 'answered',
        payload: { call: call({ id: 'a', status: 'answered', agentExtension: '1001' }), agentExtension: '1001' },
        receivedAt: 1,
      });
      const next = reduce(talking, {
        type: 'resync',
        calls: [call({ id: 'b', status: 'answered', agentExtension: '1001' })],
        asOf: 5,
      });
      expect(next.pops.map((p) => [p.callId, p.phase])).toEqual([
        ['a', 'wrap-up'],
        ['b', 'talking'],
      ]);
    });

    it('keeps a card still ringing and any wrap-up in progress', () => {
      const state = run([ring('1001', 'a'), ring(), answeredBy('1001'), ended(3)]);
      const next = reduce(state, { type: 'resync', calls: [call({ id: 'a' })], asOf: 5 });
      expect(next.pops.map((p) => [p.callId, p.phase])).toEqual([
        ['a', 'ringing'],
        ['c1', 'wrap-up'],
      ]);
    });

    it('keeps a card that rang after the resync was asked for (its answer cannot know the call yet)', () => {
      const state = run([ring('1001', 'early', 1), ring('1001', 'late', 9)]);
      const next = reduce(state, { type: 'resync', calls: [], asOf: 5 });
      expect(next.pops.map((p) => [p.callId, p.phase])).toEqual([['late', 'ringing']]);
    });
  });

  describe('cards rebuilt after a reload or a reconnect', () => {
    const mine = call({ id: 'mine', status: 'answered', agentExtension: '1001', ringing: [] });
    const ringingMe = call({ id: 'ringing-me', ringing: ['1001', '1002'] });
    const colleagues = call({ id: 'colleague', status: 'answered', agentExtension: '1002', ringing: [] });
    const ringingOthers = call({ id: 'others', ringing: ['1002'] });

    it('asks for the cards of the live calls I answered or that ring my phone, and no one else’s', () => {
      const calls = [mine, ringingMe, colleagues, ringingOthers];
      expect(callsToRestore(initialLivePopState, calls, '1001').map((c) => c.id)).toEqual(['mine', 'ringing-me']);
      // A supervisor's resync lists every call; with no phone none of them was offered to them.
      expect(callsToRestore(initialLivePopState, calls, null)).toEqual([]);
      expect(callsToRestore(run([ring('1001', 'ringing-me')]), calls, '1001').map((c) => c.id)).toEqual(['mine']);
    });

    it('rebuilds the card in the phase the resync saw: talking on my call, ringing on my phone', () => {
      const state = run([restore(mine), restore(ringingMe)]);
      expect(state.pops.map((p) => [p.callId, p.phase, p.card.kind === 'withheld' && p.card.raw])).toEqual([
        ['mine', 'talking', 'restored'],
        ['ringing-me', 'ringing', 'restored'],
      ]);
    });

    it('never shows a card of a call that is not mine', () => {
      expect(
        run([restore(colleagues), restore(ringingOthers), restore(call({ id: 'x', status: 'ended' }))]).pops,
      ).toEqual([]);
      expect(livePopReducer(null)(initialLivePopState, restore(ringingMe)).pops).toEqual([]);
    });

    it('keeps one card when the ring and the restored card both arrive, in either order', () => {
      const ringFirst = run([ring('1001', 'ringing-me'), restore(ringingMe)]);
      expect(ringFirst.pops).toHaveLength(1);
      expect(ringFirst.pops[0]?.card).toMatchObject({ raw: 'anonymous' });
      const restoredFirst = run([restore(ringingMe), ring('1001', 'ringing-me', 9)]);
      expect(restoredFirst.pops).toHaveLength(1);
      expect(restoredFirst.pops[0]?.card).toMatchObject({ raw: 'anonymous' });
    });

    it('follows events that came after the resync was asked for, not the older list', () => {
      expect(run([ended(30, 'answered', 'mine', 7), restore(mine, 5)]).pops).toEqual([]);
      expect(run([answeredBy('1002', 'ringing-me', 7), restore(ringingMe, 5)]).pops).toEqual([]);
      expect(run([answeredBy('1001', 'ringing-me', 7), restore(ringingMe, 5)]).pops[0]?.phase).toBe('talking');
      // An event older than the resync is what the list already knows better.
      expect(run([answeredBy('1002', 'mine', 3), restore(mine, 5)]).pops[0]?.phase).toBe('talking');
    });

    it('remembers a bounded number of calls', () => {
      const many = Array.from({ length: 250 }, (_, i) => ended(0, 'missed', `call-${i}`, i));
      const seen = Object.keys(run(many).seen);
      expect(seen).toHaveLength(200);
      expect(seen[0]).toBe('call-50');
      expect(seen.at(-1)).toBe('call-249');
    });
  });
});
