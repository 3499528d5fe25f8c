import { describe, expect, it } from 'vitest';

import {
  currentCall,
  initialSoftphoneState,
  ringingCall,
  type SoftphoneAction,
  softphoneReducer,
  type SoftphoneState,
  talkSeconds,
} from '@client/modules/softphone/states/softphoneState';

const run = (actions: SoftphoneAction[], from: SoftphoneState = initialSoftphoneState) =>
  actions.reduce(softphoneReducer, from);

const registered = () =>
  run([{ type: 'ws-connecting' }, { type: 'ws-connected' }, { type: 'registering' }, { type: 'registered' }]);
const inCall = () =>
  run(
    [
      { type: 'incoming', id: 'a', remote: '+79161234567', remoteName: 'Ирина', at: 1_000 },
      { type: 'answered', id: 'a', at: 2_000 },
    ],
    registered(),
  );

describe('softphone registration', () => {
  it('goes unregistered → registering → registered over a connected WebSocket', () => {
    let state = softphoneReducer(initialSoftphoneState, { type: 'ws-connecting' });
    expect(state.connection).toBe('connecting');
    state = softphoneReducer(state, { type: 'ws-connected' });
    expect(state).toMatchObject({ connection: 'connected', everConnected: true, registration: 'unregistered' });
    state = softphoneReducer(state, { type: 'registering' });
    expect(state.registration).toBe('registering');
    state = softphoneReducer(state, { type: 'registered' });
    expect(state.registration).toBe('registered');
    expect(state.problem).toBeNull();
  });

  it('keeps "registered" during a refresh REGISTER', () => {
    expect(softphoneReducer(registered(), { type: 'registering' }).registration).toBe('registered');
  });

  it('reports a rejected registration and clears it once a later one succeeds', () => {
    const failed = softphoneReducer(registered(), { type: 'registration-failed', cause: 'Authentication Error' });
    expect(failed).toMatchObject({
      registration: 'failed',
      problem: 'registration-failed',
      problemDetail: 'Authentication Error',
    });
    const ok = softphoneReducer(failed, { type: 'registered' });
    expect(ok).toMatchObject({ registration: 'registered', problem: null, problemDetail: null });
  });

  it('goes back to unregistered on an explicit unregister', () => {
    expect(softphoneReducer(registered(), { type: 'unregistered' }).registration).toBe('unregistered');
  });

  it('demo telephony: one calm note instead of "PBX unreachable", gone for good once closed', () => {
    const demo = run([{ type: 'demo-mode' }]);
    expect(demo).toMatchObject({ demo: 'note', problem: null, reconnectAttempt: 0 });
    const seen = softphoneReducer(demo, { type: 'dismiss-problem' });
    expect(seen.demo).toBe('seen');
    expect(softphoneReducer(seen, { type: 'demo-mode' }).demo).toBe('seen');
  });

  it('says "PBX unreachable" when the WebSocket never opened', () => {
    const state = run([{ type: 'ws-connecting' }, { type: 'ws-disconnected', at: 1 }]);
    expect(state).toMatchObject({ connection: 'disconnected', problem: 'pbx-unreachable', reconnectAttempt: 1 });
    expect(softphoneReducer(state, { type: 'ws-disconnected', at: 2 }).reconnectAttempt).toBe(2);
  });

  it('says "connection dropped" when a working WebSocket closes, and recovers on reconnect + re-register', () => {
    const dropped = softphoneReducer(registered(), { type: 'ws-disconnected', at: 5 });
    expect(dropped).toMatchObject({ connection: 'disconnected', registration: 'unregistered', problem: 'ws-dropped' });
    const back = run(
      [{ type: 'ws-connecting' }, { type: 'ws-connected' }, { type: 'registering' }, { type: 'registered' }],
      dropped,
    );
    expect(back).toMatchObject({
      connection: 'connected',
      registration: 'registered',
      problem: null,
      reconnectAttempt: 0,
    });
  });

  it('keeps a registration failure visible across a socket drop', () => {
    const failed = softphoneReducer(registered(), { type: 'registration-failed', cause: '403' });
    const dropped = softphoneReducer(failed, { type: 'ws-disconnected', at: 1 });
    expect(dropped).toMatchObject({ registration: 'failed', problem: 'registration-failed' });
  });

  it('reports missing SIP credentials', () => {
    expect(softphoneReducer(initialSoftphoneState, { type: 'config-unavailable' })).toMatchObject({
      registration: 'failed',
      problem: 'config-unavailable',
    });
  });

  it('dismisses a problem', () => {
    const state = softphoneReducer(registered(), { type: 'registration-failed', cause: 'x' });
    expect(softphoneReducer(state, { type: 'dismiss-problem' }).problem).toBeNull();
  });
});

describe('incoming calls', () => {
  it('rings, is answered, held, resumed and hung up by us with its talk time', () => {
    let state = softphoneReducer(registered(), {
      type: 'incoming',
      id: 'a',
      remote: '+79161234567',
      remoteName: 'Ирина',
      at: 1_000,
    });
    expect(ringingCall(state)).toMatchObject({ id: 'a', phase: 'ringing', direction: 'incoming', remoteName: 'Ирина' });
    state = softphoneReducer(state, { type: 'answered', id: 'a', at: 2_000 });
    expect(state.calls[0]).toMatchObject({ phase: 'answered', answeredAt: 2_000 });
    expect(ringingCall(state)).toBeNull();
    state = softphoneReducer(state, { type: 'held', id: 'a' });
    expect(state.calls[0]?.phase).toBe('held');
    state = softphoneReducer(state, { type: 'resumed', id: 'a' });
    expect(state.calls[0]?.phase).toBe('answered');
    state = softphoneReducer(state, { type: 'ended', id: 'a', reason: 'local', at: 65_000 });
    expect(state.calls).toEqual([]);
    expect(state.lastEnded).toEqual({ id: 'a', remote: '+79161234567', reason: 'local', talkSeconds: 63, at: 65_000 });
  });

  it('is rejected by us (no talk time)', () => {
    const state = run(
      [
        { type: 'incoming', id: 'a', remote: '100', remoteName: null, at: 0 },
        { type: 'ended', id: 'a', reason: 'rejected', at: 3_000 },
      ],
      registered(),
    );
    expect(state.lastEnded).toMatchObject({ reason: 'rejected', talkSeconds: null });
  });

  it('ends when the caller hangs up', () => {
    const state = softphoneReducer(inCall(), { type: 'ended', id: 'a', reason: 'remote', at: 12_000 });
    expect(state.lastEnded).toMatchObject({ reason: 'remote', talkSeconds: 10 });
  });

  it('stops ringing when answered elsewhere (the PBX cancels our leg)', () => {
    const state = run(
      [
        { type: 'incoming', id: 'a', remote: '+7', remoteName: null, at: 0 },
        { type: 'ended', id: 'a', reason: 'unanswered', at: 1 },
      ],
      registered(),
    );
    expect(ringingCall(state)).toBeNull();
    expect(state.problem).toBeNull();
  });

  it('ignores a duplicate incoming event and events for unknown calls', () => {
    const once = softphoneReducer(registered(), { type: 'incoming', id: 'a', remote: '1', remoteName: null, at: 0 });
    expect(softphoneReducer(once, { type: 'incoming', id: 'a', remote: '1', remoteName: null, at: 5 })).toBe(once);
    expect(softphoneReducer(once, { type: 'answered', id: 'zzz', at: 1 })).toBe(once);
    expect(softphoneReducer(once, { type: 'ended', id: 'zzz', reason: 'local', at: 1 })).toBe(once);
  });

  it('only holds an answered call and only resumes a held one', () => {
    const ringing = softphoneReducer(registered(), { type: 'incoming', id: 'a', remote: '1', remoteName: null, at: 0 });
    expect(softphoneReducer(ringing, { type: 'held', id: 'a' }).calls[0]?.phase).toBe('ringing');
    expect(softphoneReducer(inCall(), { type: 'resumed', id: 'a' }).calls[0]?.phase).toBe('answered');
  });

  it('keeps the first answer time (re-INVITEs do not restart the timer)', () => {
    const state = softphoneReducer(inCall(), { type: 'answered', id: 'a', at: 9_000 });
    expect(state.calls[0]?.answeredAt).toBe(2_000);
    expect(talkSeconds(state.calls[0]!, 7_500)).toBe(5);
  });
});

describe('outgoing calls', () => {
  it('dials, is answered and ends by the far end', () => {
    let state = softphoneReducer(registered(), { type: 'outgoing', id: 'o', remote: '89161234567', at: 0 });
    expect(state.calls[0]).toMatchObject({ direction: 'outgoing', phase: 'dialing' });
    expect(ringingCall(state)).toBeNull();
    expect(currentCall(state)?.id).toBe('o');
    state = softphoneReducer(state, { type: 'answered', id: 'o', at: 1_000 });
    expect(state.calls[0]?.phase).toBe('answered');
    state = softphoneReducer(state, { type: 'ended', id: 'o', reason: 'remote', at: 4_000 });
    expect(state.lastEnded).toMatchObject({ reason: 'remote', talkSeconds: 3 });
  });

  it('reports busy without raising a problem', () => {
    const state = run(
      [
        { type: 'outgoing', id: 'o', remote: '1002', at: 0 },
        { type: 'ended', id: 'o', reason: 'busy', at: 1 },
      ],
      registered(),
    );
    expect(state.lastEnded?.reason).toBe('busy');
    expect(state.problem).toBeNull();
  });

  it('raises call-failed with the SIP cause on a failure', () => {
    const state = run(
      [
        { type: 'outgoing', id: 'o', remote: '999', at: 0 },
        { type: 'ended', id: 'o', reason: 'failed', at: 1, cause: 'Not Found' },
      ],
      registered(),
    );
    expect(state).toMatchObject({ problem: 'call-failed', problemDetail: 'Not Found' });
  });
});

describe('mute and DTMF', () => {
  it('mutes and unmutes the current call', () => {
    const muted = softphoneReducer(inCall(), { type: 'muted', id: 'a', muted: true });
    expect(muted.calls[0]?.muted).toBe(true);
    expect(softphoneReducer(muted, { type: 'muted', id: 'a', muted: false }).calls[0]?.muted).toBe(false);
  });

  it('remembers the digits sent', () => {
    const state = run(
      [
        { type: 'dtmf', id: 'a', tone: '1' },
        { type: 'dtmf', id: 'a', tone: '#' },
      ],
      inCall(),
    );
    expect(state.calls[0]?.dtmf).toBe('1#');
  });
});

describe('microphone', () => {
  it('ends the call that could not get the microphone and says why', () => {
    const state = run(
      [
        { type: 'incoming', id: 'a', remote: '1', remoteName: null, at: 0 },
        { type: 'microphone-denied', id: 'a', at: 10 },
      ],
      registered(),
    );
    expect(state.calls).toEqual([]);
    expect(state).toMatchObject({ problem: 'microphone-denied', lastEnded: { reason: 'failed' } });
  });

  it('reports a denied microphone found before any call', () => {
    expect(softphoneReducer(registered(), { type: 'microphone-denied', at: 0 }).problem).toBe('microphone-denied');
  });
});

describe('transfers', () => {
  it('blind: pending after REFER, the call then ends normally', () => {
    let state = softphoneReducer(inCall(), { type: 'transfer-requested', id: 'a', kind: 'blind', target: '1002' });
    expect(state.calls[0]?.transfer).toEqual({ kind: 'blind', target: '1002', status: 'pending', consultId: null });
    state = softphoneReducer(state, { type: 'transfer-pending', id: 'a' });
    state = softphoneReducer(state, { type: 'ended', id: 'a', reason: 'remote', at: 10_000 });
    expect(state.calls).toEqual([]);
  });

  it('blind: a refused REFER keeps the call and reports it', () => {
    const state = run(
      [
        { type: 'transfer-requested', id: 'a', kind: 'blind', target: '1002' },
        { type: 'transfer-failed', id: 'a', cause: 'Not Found' },
      ],
      inCall(),
    );
    expect(state.calls[0]).toMatchObject({ phase: 'answered', transfer: null });
    expect(state).toMatchObject({ problem: 'transfer-failed', problemDetail: 'Not Found' });
  });

  it('attended: hold, consult, complete — both legs end', () => {
    let state = run(
      [
        { type: 'held', id: 'a' },
        { type: 'outgoing', id: 'b', remote: '1002', at: 3_000, consultFor: 'a' },
        { type: 'transfer-requested', id: 'a', kind: 'attended', target: '1002', consultId: 'b' },
      ],
      inCall(),
    );
    expect(state.calls.find((c) => c.id === 'a')?.transfer).toMatchObject({ status: 'consulting', consultId: 'b' });
    expect(currentCall(state)?.id).toBe('b');
    state = softphoneReducer(state, { type: 'answered', id: 'b', at: 4_000 });
    state = softphoneReducer(state, { type: 'transfer-pending', id: 'a' });
    expect(state.calls.find((c) => c.id === 'a')?.transfer?.status).toBe('pending');
    state = run(
      [
        { type: 'ended', id: 'b', reason: 'remote', at: 6_000 },
        { type: 'ended', id: 'a', reason: 'remote', at: 6_000 },
      ],
      state,
    );
    expect(state.calls).toEqual([]);
  });

  it('attended: the consulted operator does not answer — back to the held caller', () => {
    let state = run(
      [
        { type: 'held', id: 'a' },
        { type: 'outgoing', id: 'b', remote: '1002', at: 3_000, consultFor: 'a' },
        { type: 'transfer-requested', id: 'a', kind: 'attended', target: '1002', consultId: 'b' },
        { type: 'ended', id: 'b', reason: 'unanswered', at: 8_000 },
      ],
      inCall(),
    );
    expect(state.calls).toHaveLength(1);
    expect(state.calls[0]).toMatchObject({ id: 'a', phase: 'held', transfer: null });
    state = softphoneReducer(state, { type: 'resumed', id: 'a' });
    expect(currentCall(state)?.phase).toBe('answered');
  });

  it('attended: cancelled by the operator', () => {
    const state = run(
      [
        { type: 'transfer-requested', id: 'a', kind: 'attended', target: '1002', consultId: 'b' },
        { type: 'transfer-cancelled', id: 'a' },
      ],
      inCall(),
    );
    expect(state.calls[0]?.transfer).toBeNull();
  });
});

describe('WebSocket loss', () => {
  it('mid-call: the answered call stays (audio is not on the socket) but is marked without signalling', () => {
    const dropped = softphoneReducer(inCall(), { type: 'ws-disconnected', at: 5_000 });
    expect(dropped.calls).toHaveLength(1);
    expect(dropped.calls[0]).toMatchObject({ id: 'a', phase: 'answered', signallingLost: true });
    expect(dropped).toMatchObject({ problem: 'ws-dropped', registration: 'unregistered' });
    const back = run([{ type: 'ws-connected' }, { type: 'registered' }], dropped);
    expect(back.calls[0]?.signallingLost).toBe(false);
    expect(back.problem).toBeNull();
  });

  it('mid-call: the call can still be ended locally while the socket is down', () => {
    const dropped = softphoneReducer(inCall(), { type: 'ws-disconnected', at: 5_000 });
    const ended = softphoneReducer(dropped, { type: 'ended', id: 'a', reason: 'local', at: 6_000 });
    expect(ended.lastEnded).toMatchObject({ reason: 'local', talkSeconds: 4 });
    expect(ended.problem).toBe('ws-dropped');
  });

  it('while ringing or dialing: those calls are lost, and reported as such', () => {
    const state = run(
      [
        { type: 'incoming', id: 'r', remote: '1', remoteName: null, at: 0 },
        { type: 'outgoing', id: 'd', remote: '2', at: 0 },
        { type: 'ws-disconnected', at: 100 },
      ],
      registered(),
    );
    expect(state.calls).toEqual([]);
    expect(state.lastEnded).toMatchObject({ reason: 'connection-lost' });
    expect(state.problem).toBe('ws-dropped');
  });
});

describe('selectors', () => {
  it('prefers the call in progress over a second one ringing (call waiting)', () => {
    const state = softphoneReducer(inCall(), { type: 'incoming', id: 'w', remote: '2', remoteName: null, at: 9 });
    expect(currentCall(state)?.id).toBe('a');
    expect(ringingCall(state)?.id).toBe('w');
  });

  it('has no current call when idle', () => {
    expect(currentCall(registered())).toBeNull();
    expect(talkSeconds({ ...inCall().calls[0]!, answeredAt: null }, 10)).toBe(0);
  });
});
