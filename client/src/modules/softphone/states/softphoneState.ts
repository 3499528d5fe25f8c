/**
 * The softphone as a pure state machine: the JsSIP adapter turns UA/session events into these actions, the
 * panel renders the state. Time comes in with the actions (`at`, epoch ms) so the reducer stays deterministic.
 *
 * Registration: unregistered → registering → registered (→ failed on 401/403 or a PBX that never answered).
 * Calls: incoming ringing → answered ⇄ held → ended; outgoing dialing → answered … → ended.
 */

export type RegistrationStatus = 'unregistered' | 'registering' | 'registered' | 'failed';
export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected';

export type SoftphoneProblem =
  | 'microphone-denied'
  /** The WebSocket to the PBX dropped after having worked; re-registration runs with backoff. */
  | 'ws-dropped'
  /** The PBX never accepted the WebSocket (wrong URL, PBX down, firewall). */
  | 'pbx-unreachable'
  | 'registration-failed'
  | 'transfer-failed'
  | 'call-failed'
  | 'config-unavailable';

export type CallPhase = 'ringing' | 'dialing' | 'answered' | 'held';
export type EndReason = 'local' | 'remote' | 'rejected' | 'busy' | 'unanswered' | 'failed' | 'connection-lost';

export interface TransferState {
  kind: 'blind' | 'attended';
  target: string;
  status: 'consulting' | 'pending';
  /** The consultation call of an attended transfer. */
  consultId: string | null;
}

export interface SoftphoneCall {
  id: string;
  direction: 'incoming' | 'outgoing';
  /** The other party's number (or extension) as SIP gave it. */
  remote: string;
  remoteName: string | null;
  phase: CallPhase;
  muted: boolean;
  startedAt: number;
  answeredAt: number | null;
  /** True while the WebSocket is down: audio may go on, but nothing can be signalled until it returns. */
  signallingLost: boolean;
  transfer: TransferState | null;
  /** Set on the consultation leg of an attended transfer: the call it was placed for. */
  consultFor: string | null;
  /** DTMF digits sent during this call, shown under the keypad. */
  dtmf: string;
}

export interface EndedCall {
  id: string;
  remote: string;
  reason: EndReason;
  /** Talk time; null when the call was never answered. */
  talkSeconds: number | null;
  at: number;
}

export interface SoftphoneState {
  connection: ConnectionStatus;
  registration: RegistrationStatus;
  /** True once the WebSocket has opened at least once: tells "dropped" from "never reachable". */
  everConnected: boolean;
  /** Consecutive failed connection attempts (the adapter backs off on this). */
  reconnectAttempt: number;
  calls: SoftphoneCall[];
  lastEnded: EndedCall | null;
  problem: SoftphoneProblem | null;
  /** Extra detail for the problem (SIP cause), for the title attribute / logs only. */
  problemDetail: string | null;
  /** Demo telephony (no PBX): 'note' until the user closes the one calm note that says so, then 'seen'. */
  demo: 'note' | 'seen' | null;
}

export type SoftphoneAction =
  | { type: 'ws-connecting' }
  | { type: 'ws-connected' }
  | { type: 'ws-disconnected'; at: number }
  | { type: 'registering' }
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'registration-failed'; cause: string }
  | { type: 'config-unavailable' }
  | { type: 'incoming'; id: string; remote: string; remoteName: string | null; at: number }
  | { type: 'outgoing'; id: string; remote: string; at: number; consultFor?: string }
  | { type: 'answered'; id: string; at: number }
  | { type: 'held'; id: string }
  | { type: 'resumed'; id: string }
  | { type: 'muted'; id: string; muted: boolean }
  | { type: 'dtmf'; id: string; tone: string }
  | { type: 'ended'; id: string; reason: EndReason; at: number; cause?: string }
  | { type: 'microphone-denied'; id?: string; at: number }
  | { type: 'transfer-requested'; id: string; kind: 'blind' | 'attended'; target: string; consultId?: string }
  | { type: 'transfer-pending'; id: string }
  | { type: 'transfer-failed'; id: string; cause?: string }
  | { type: 'transfer-cancelled'; id: string }
  | { type: 'dismiss-problem' }
  | { type: 'demo-mode' };

export const initialSoftphoneState: SoftphoneState = {
  connection: 'disconnected',
  registration: 'unregistered',
  everConnected: false,
  reconnectAttempt: 0,
  calls: [],
  lastEnded: null,
  problem: null,
  problemDetail: null,
  demo: null,
};

const CONNECTION_PROBLEMS: ReadonlySet<SoftphoneProblem> = new Set(['ws-dropped', 'pbx-unreachable']);

function updateCall(state: SoftphoneState, id: string, patch: (call: SoftphoneCall) => SoftphoneCall): SoftphoneState {
  if (!state.calls.some((c) => c.id === id)) return state;
  return { ...state, calls: state.calls.map((c) => (c.id === id ? patch(c) : c)) };
}

function endCall(state: SoftphoneState, id: string, reason: EndReason, at: number): SoftphoneState {
  const call = state.calls.find((c) => c.id === id);
  if (!call) return state;
  const talkSeconds = call.answeredAt === null ? null : Math.max(0, Math.round((at - call.answeredAt) / 1000));
  const calls = state.calls
    .filter((c) => c.id !== id)
    // The consultation leg ended: the held call stays, its transfer is over (completed calls end on their own).
    .map((c) => (c.transfer?.consultId === id && c.transfer.status === 'consulting' ? { ...c, transfer: null } : c))
    .map((c) => (c.consultFor === id ? { ...c, consultFor: null } : c));
  return { ...state, calls, lastEnded: { id, remote: call.remote, reason, talkSeconds, at } };
}

function onDisconnected(state: SoftphoneState, at: number): SoftphoneState {
  // Unanswered calls cannot survive: their INVITE transaction dies with the socket. Answered calls keep their
  // media path (it does not run over the WebSocket) but lose signalling until the socket comes back.
  let next = state;
  for (const call of state.calls) {
    if (call.phase === 'ringing' || call.phase === 'dialing') next = endCall(next, call.id, 'connection-lost', at);
  }
  const problem: SoftphoneProblem = state.everConnected ? 'ws-dropped' : 'pbx-unreachable';
  return {
    ...next,
    calls: next.calls.map((c) => ({ ...c, signallingLost: true })),
    connection: 'disconnected',
    registration: state.registration === 'failed' ? 'failed' : 'unregistered',
    reconnectAttempt: state.reconnectAttempt + 1,
    problem: state.problem === 'registration-failed' ? state.problem : problem,
    problemDetail: null,
  };
}

function newCall(
  id: string,
  direction: SoftphoneCall['direction'],
  remote: string,
  at: number,
  extra: Partial<SoftphoneCall> = {},
): SoftphoneCall {
  return {
    id,
    direction,
    remote,
    remoteName: null,
    phase: direction === 'incoming' ? 'ringing' : 'dialing',
    muted: false,
    startedAt: at,
    answeredAt: null,
    signallingLost: false,
    transfer: null,
    consultFor: null,
    dtmf: '',
    ...extra,
  };
}

export function softphoneReducer(state: SoftphoneState, action: SoftphoneAction): SoftphoneState {
  switch (action.type) {
    case 'ws-connecting':
      return { ...state, connection: 'connecting' };
    case 'ws-connected':
      return {
        ...state,
        connection: 'connected',
        everConnected: true,
        reconnectAttempt: 0,
        calls: state.calls.map((c) => ({ ...c, signallingLost: false })),
        problem: state.problem && CONNECTION_PROBLEMS.has(state.problem) ? null : state.problem,
      };
    case 'ws-disconnected':
      return onDisconnected(state, action.at);
    case 'registering':
      return state.registration === 'registered' ? state : { ...state, registration: 'registering' };
    case 'registered':
      return {
        ...state,
        registration: 'registered',
        problem: state.problem === 'registration-failed' ? null : state.problem,
        problemDetail: state.problem === 'registration-failed' ? null : state.problemDetail,
      };
    case 'unregistered':
      return { ...state, registration: 'unregistered' };
    case 'registration-failed':
      return { ...state, registration: 'failed', problem: 'registration-failed', problemDetail: action.cause };
    case 'config-unavailable':
      return { ...state, registration: 'failed', problem: 'config-unavailable', problemDetail: null };
    case 'incoming':
      if (state.calls.some((c) => c.id === action.id)) return state;
      return {
        ...state,
        calls: [
          ...state.calls,
          newCall(action.id, 'incoming', action.remote, action.at, { remoteName: action.remoteName }),
        ],
      };
    case 'outgoing':
      if (state.calls.some((c) => c.id === action.id)) return state;
      return {
        ...state,
        calls: [
          ...state.calls,
          newCall(action.id, 'outgoing', action.remote, action.at, { consultFor: action.consultFor ?? null }),
        ],
      };
    case 'answered':
      return updateCall(state, action.id, (c) =>
        c.answeredAt === null ? { ...c, phase: 'answered', answeredAt: action.at } : c,
      );
    case 'held':
      return updateCall(state, action.id, (c) => (c.phase === 'answered' ? { ...c, phase: 'held' } : c));
    case 'resumed':
      return updateCall(state, action.id, (c) => (c.phase === 'held' ? { ...c, phase: 'answered' } : c));
    case 'muted':
      return updateCall(state, action.id, (c) => ({ ...c, muted: action.muted }));
    case 'dtmf':
      return updateCall(state, action.id, (c) => ({ ...c, dtmf: `${c.dtmf}${action.tone}`.slice(-32) }));
    case 'ended': {
      const next = endCall(state, action.id, action.reason, action.at);
      if (next === state || action.reason !== 'failed') return next;
      return { ...next, problem: 'call-failed', problemDetail: action.cause ?? null };
    }
    case 'microphone-denied': {
      const next = action.id ? endCall(state, action.id, 'failed', action.at) : state;
      return { ...next, problem: 'microphone-denied', problemDetail: null };
    }
    case 'transfer-requested':
      return updateCall(state, action.id, (c) => ({
        ...c,
        transfer: {
          kind: action.kind,
          target: action.target,
          status: action.kind === 'attended' && action.consultId ? 'consulting' : 'pending',
          consultId: action.consultId ?? null,
        },
      }));
    case 'transfer-pending':
      return updateCall(state, action.id, (c) =>
        c.transfer ? { ...c, transfer: { ...c.transfer, status: 'pending' } } : c,
      );
    case 'transfer-failed': {
      const next = updateCall(state, action.id, (c) => ({ ...c, transfer: null }));
      return next === state ? state : { ...next, problem: 'transfer-failed', problemDetail: action.cause ?? null };
    }
    case 'transfer-cancelled':
      return updateCall(state, action.id, (c) => ({ ...c, transfer: null }));
    case 'dismiss-problem':
      return { ...state, problem: null, problemDetail: null, demo: state.demo && 'seen' };
    case 'demo-mode':
      return { ...state, demo: state.demo ?? 'note', problem: null, problemDetail: null };
  }
}

/** The call the panel's main controls act on: an answered/held/dialing one before a merely ringing one. */
export function currentCall(state: SoftphoneState): SoftphoneCall | null {
  const consult = state.calls.find((c) => c.consultFor !== null && c.phase !== 'ringing');
  if (consult) return consult;
  return state.calls.find((c) => c.phase !== 'ringing') ?? state.calls[0] ?? null;
}

/** An incoming call waiting for an answer (ring tone, notification, Answer shortcut). */
export function ringingCall(state: SoftphoneState): SoftphoneCall | null {
  return state.calls.find((c) => c.phase === 'ringing') ?? null;
}

/** Seconds since answer, for the call timer. */
export function talkSeconds(call: SoftphoneCall, now: number): number {
  return call.answeredAt === null ? 0 : Math.max(0, Math.floor((now - call.answeredAt) / 1000));
}
