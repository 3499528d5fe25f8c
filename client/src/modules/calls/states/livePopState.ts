import { type CallCard } from '@contracts/dto/call-card';
import {
  type CallAnsweredPayload,
  type CallEndedPayload,
  type CallRingingPayload,
  type CallTransferredPayload,
  type LiveCallDto,
} from '@contracts/socket-events';

/**
 * Which pop cards an operator sees, as a pure fold of the realtime events (and the REST resync).
 * - `ringing`: my phone rings for the call → the card shows;
 * - `talking`: I answered → the card stays for the whole call;
 * - `wrap-up`: my call ended (or I transferred it away) → the card stays with the wrap-up form until saved.
 * A card disappears when a colleague answers, or the caller hangs up before anyone did.
 * After a reload or a reconnect the cards of my live calls are rebuilt from the REST resync (`restore`).
 */
export type PopPhase = 'ringing' | 'talking' | 'wrap-up';

export interface LivePop {
  callId: string;
  card: CallCard;
  call: LiveCallDto;
  phase: PopPhase;
  /** Set when the call ended: talk time for the wrap-up header. */
  talkSeconds: number | null;
  /** When its last ring arrived (`performance.now()`): a resync asked for before then cannot know the call yet. */
  receivedAt: number;
}

/** The newest state of a call an event told about, and when that event arrived. */
interface SeenCall {
  call: LiveCallDto;
  receivedAt: number;
}

export interface LivePopState {
  pops: LivePop[];
  /**
   * The last event's view of recent calls, popped or not: a card restored from an older resync must not bring back
   * a call that has since ended or gone to a colleague. Bounded (`SEEN_CALLS`), oldest dropped first.
   */
  seen: Record<string, SeenCall>;
}

export type LivePopAction =
  | { type: 'ringing'; payload: CallRingingPayload; receivedAt: number }
  | { type: 'answered'; payload: CallAnsweredPayload; receivedAt: number }
  | { type: 'transferred'; payload: CallTransferredPayload; receivedAt: number }
  | { type: 'ended'; payload: CallEndedPayload; receivedAt: number }
  /** `asOf`: when the resync was asked for. */
  | { type: 'resync'; calls: LiveCallDto[]; asOf: number }
  /** The card of a live call of mine fetched after the resync of `asOf` listed it (`call`) without a card here. */
  | { type: 'restore'; call: LiveCallDto; card: CallCard; asOf: number }
  | { type: 'dismiss'; callId: string }
  /** The card changed on this screen (a lead converted during the call now shows the contact). */
  | { type: 'card'; callId: string; card: CallCard };

export const initialLivePopState: LivePopState = { pops: [], seen: {} };

/** Enough for every call a supervisor's screen hears about between two resyncs. */
const SEEN_CALLS = 200;

const patch = (state: LivePopState, callId: string, change: (pop: LivePop) => LivePop | null): LivePopState => {
  if (!state.pops.some((p) => p.callId === callId)) return state;
  const pops = state.pops.flatMap((p) => {
    if (p.callId !== callId) return [p];
    const next = change(p);
    return next ? [next] : [];
  });
  return { ...state, pops };
};

// Keys keep their insertion order (call ids are not integer-like), so the first ones are the oldest.
const remember = (seen: Record<string, SeenCall>, call: LiveCallDto, receivedAt: number) => {
  const kept = Object.entries(seen)
    .filter(([id]) => id !== call.id)
    .slice(1 - SEEN_CALLS);
  return { ...Object.fromEntries(kept), [call.id]: { call, receivedAt } };
};

/** Where my card of a live call stands, or null when the call is not (or no longer) mine to see a card of. */
export function myPhase(call: LiveCallDto, myExtension: string | null): Exclude<PopPhase, 'wrap-up'> | null {
  if (myExtension === null || call.status === 'ended') return null;
  if (call.agentExtension === myExtension) return 'talking';
  return call.agentExtension === null && call.ringing.includes(myExtension) ? 'ringing' : null;
}

/**
 * The resync's live calls whose card this screen lacks: ringing on my phone or answered by me (a supervisor's resync
 * lists every call; only these were offered to them).
 */
export function callsToRestore(state: LivePopState, calls: LiveCallDto[], myExtension: string | null): LiveCallDto[] {
  return calls.filter((c) => myPhase(c, myExtension) !== null && !state.pops.some((p) => p.callId === c.id));
}

/** `myExtension` is the signed-in operator's extension (null for users without a phone). */
export function livePopReducer(myExtension: string | null) {
  const fold = (state: LivePopState, action: LivePopAction): LivePopState => {
    switch (action.type) {
      case 'ringing': {
        const { call, card, agentExtension } = action.payload;
        // Supervisors' role rooms get every ring too; the card pops only on the ringing operator's screen.
        if (agentExtension !== myExtension) return state;
        const existing = state.pops.find((p) => p.callId === call.id);
        const receivedAt = action.receivedAt;
        if (existing) return patch(state, call.id, (p) => ({ ...p, card, call, receivedAt }));
        return {
          ...state,
          pops: [...state.pops, { callId: call.id, card, call, phase: 'ringing', talkSeconds: null, receivedAt }],
        };
      }
      case 'answered': {
        const { call, agentExtension } = action.payload;
        return patch(state, call.id, (p) => {
          if (agentExtension === myExtension) return { ...p, call, phase: 'talking' };
          // A colleague took it: my ringing card goes; a call I had already handed over keeps its wrap-up.
          return p.phase === 'ringing' ? null : { ...p, call };
        });
      }
      case 'transferred': {
        const { call, fromAgentExtension, toAgentExtension } = action.payload;
        return patch(state, call.id, (p) => {
          if (toAgentExtension === myExtension) return { ...p, call };
          if (fromAgentExtension === myExtension && p.phase === 'talking') return { ...p, call, phase: 'wrap-up' };
          return { ...p, call };
        });
      }
      case 'ended': {
        const { call, talkSeconds } = action.payload;
        return patch(state, call.id, (p) => {
          if (p.phase === 'ringing') return null;
          return { ...p, call, phase: 'wrap-up', talkSeconds: p.phase === 'talking' ? talkSeconds : p.talkSeconds };
        });
      }
      case 'resync': {
        // Events missed while the socket was down: reconcile the cards with the calls that are still live.
        const live = new Map(action.calls.map((c) => [c.id, c]));
        const pops = state.pops.flatMap((p): LivePop[] => {
          if (p.phase === 'wrap-up') return [p];
          // The call's row is written after its ring is pushed: an answer asked for before the ring may miss it.
          if (p.receivedAt > action.asOf) return [p];
          const call = live.get(p.callId);
          if (!call || call.status === 'ended') return p.phase === 'talking' ? [{ ...p, phase: 'wrap-up' }] : [];
          if (call.agentExtension === null) return [{ ...p, call }];
          if (call.agentExtension === myExtension) return [{ ...p, call, phase: 'talking' }];
          return p.phase === 'ringing' ? [] : [{ ...p, call, phase: 'wrap-up' }];
        });
        return { ...state, pops };
      }
      case 'restore': {
        // The ring got here first (its card is as new): one card per call.
        if (state.pops.some((p) => p.callId === action.call.id)) return state;
        const seen = state.seen[action.call.id];
        const call = seen && seen.receivedAt > action.asOf ? seen.call : action.call;
        const phase = myPhase(call, myExtension);
        if (!phase) return state;
        const pop: LivePop = {
          callId: call.id,
          card: action.card,
          call,
          phase,
          talkSeconds: null,
          receivedAt: action.asOf,
        };
        return { ...state, pops: [...state.pops, pop] };
      }
      case 'dismiss':
        return { ...state, pops: state.pops.filter((p) => p.callId !== action.callId) };
      case 'card':
        return patch(state, action.callId, (p) => ({ ...p, card: action.card }));
    }
  };
  return (state: LivePopState, action: LivePopAction): LivePopState => {
    const next = fold(state, action);
    return 'payload' in action ? { ...next, seen: remember(next.seen, action.payload.call, action.receivedAt) } : next;
  };
}
