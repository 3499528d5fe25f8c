import { type AgentStateName } from '@contracts/socket-events';

/** What the operator (or a supervisor) chose, or wrap-up, which starts by itself after a call. */
export type BaseAgentState = 'available' | 'break' | 'wrap-up' | 'offline';
/** What the calls make of the operator right now; wins over the base state while it lasts. */
export type AgentActivity = 'on-call' | 'ringing';

export interface AgentStateRecord {
  state: BaseAgentState;
  reason: string | null;
  since: Date;
  wrapUpUntil: Date | null;
  activity: AgentActivity | null;
  activityCallId: string | null;
  activitySince: Date | null;
}

export interface EffectiveState {
  state: AgentStateName;
  reason: string | null;
  since: Date;
  callId: string | null;
}

/** An operator without a stored row: Asterisk treats a queue member it never paused as available. */
export const defaultRecord = (since: Date): AgentStateRecord => ({
  state: 'available',
  reason: null,
  since,
  wrapUpUntil: null,
  activity: null,
  activityCallId: null,
  activitySince: null,
});

/** The state the screens show: a call (on it, or ringing) hides the base state until it is over. */
export function effectiveState(r: AgentStateRecord): EffectiveState {
  if (r.activity && r.activitySince) {
    return { state: r.activity, reason: null, since: r.activitySince, callId: r.activityCallId };
  }
  return { state: r.state, reason: r.reason, since: r.since, callId: null };
}

export const sameEffective = (a: EffectiveState, b: EffectiveState) =>
  a.state === b.state && a.reason === b.reason && a.callId === b.callId;

/**
 * The Asterisk queue pause a base state maps to. Everything but `available` pauses, so the queue never offers a
 * call to an operator on a break, in wrap-up or offline; the reason shows in QueueStatus (PauseReason) and the
 * queue_log, e.g. `break:lunch`.
 */
export function queuePause(state: BaseAgentState, reason: string | null): { paused: boolean; reason?: string } {
  switch (state) {
    case 'available':
      return { paused: false };
    case 'break':
      return { paused: true, reason: reason ? `break:${reason}` : 'break' };
    case 'wrap-up':
      return { paused: true, reason: 'wrap-up' };
    case 'offline':
      return { paused: true, reason: 'offline' };
  }
}

/** What the operator's base state shows for a reason a paused queue member got that no state of ours gave. */
export const PBX_PAUSE_REASON = 'pbx';

/**
 * The base state a queue pause made on the PBX itself stands for, the inverse of `queuePause`: unpaused is
 * available, `offline` is offline, `break[:reason]` is that break; any other pause (Asterisk's autopause
 * `Auto-Pause`, a desk-phone feature code, `wrap-up` set by hand) is a break with the PBX's reason, or `pbx`.
 */
export function fromQueuePause(
  paused: boolean,
  reason: string | null,
): { state: BaseAgentState; reason: string | null } {
  if (!paused) return { state: 'available', reason: null };
  if (reason === 'offline') return { state: 'offline', reason: null };
  if (reason === 'break') return { state: 'break', reason: null };
  if (reason?.startsWith('break:')) return { state: 'break', reason: reason.slice('break:'.length) || null };
  return { state: 'break', reason: reason || PBX_PAUSE_REASON };
}

/** A change of an operator's record; null = nothing to change (the event is not about what they are doing). */
export type Mutation = (current: AgentStateRecord, now: Date) => AgentStateRecord | null;

/** A chosen state (or the end of wrap-up); any chosen state ends wrap-up early. */
export const chosen =
  (state: BaseAgentState, reason: string | null, wrapUpUntil: Date | null = null): Mutation =>
  (r, now) => ({ ...r, state, reason, since: now, wrapUpUntil });

const isOn = (r: AgentStateRecord, callId: string, activity: AgentActivity) =>
  r.activity === activity && r.activityCallId === callId;

const idle = (r: AgentStateRecord): AgentStateRecord => ({
  ...r,
  activity: null,
  activityCallId: null,
  activitySince: null,
});

/** A phone rings for the call, unless its operator is on a call already (a second line must not hide that). */
export const ringing =
  (callId: string): Mutation =>
  (r, now) =>
    r.activity === 'on-call' ? null : { ...r, activity: 'ringing', activityCallId: callId, activitySince: now };

export const ringStopped =
  (callId: string): Mutation =>
  (r) =>
    isOn(r, callId, 'ringing') ? idle(r) : null;

export const onCall =
  (callId: string): Mutation =>
  (r, now) =>
    isOn(r, callId, 'on-call') ? null : { ...r, activity: 'on-call', activityCallId: callId, activitySince: now };

/** Somebody else answered (or, after a transfer, took) the call: whoever was ringing for it (or on it) is free. */
export const leftCall =
  (callId: string, includeOnCall: boolean): Mutation =>
  (r) =>
    r.activityCallId === callId && (includeOnCall || r.activity === 'ringing') ? idle(r) : null;

/** The call is over: an operator who was on it goes to wrap-up for `wrapUpSeconds` (0 = straight back). */
export const callEnded =
  (callId: string, wrapUpSeconds: number): Mutation =>
  (r, now) => {
    if (r.activityCallId !== callId) return null;
    const cleared = idle(r);
    if (r.activity !== 'on-call' || wrapUpSeconds <= 0 || r.state !== 'available') return cleared;
    return chosen('wrap-up', null, new Date(now.getTime() + wrapUpSeconds * 1000))(cleared, now);
  };

/** The PBX paused or unpaused the operator: the base state follows it unless it shows that pause already. */
export const pbxPaused =
  (paused: boolean, reason: string | null): Mutation =>
  (r, now) => {
    const queue = queuePause(r.state, r.reason);
    if (queue.paused === paused && (!paused || (queue.reason ?? null) === reason)) return null;
    const next = fromQueuePause(paused, reason);
    return chosen(next.state, next.reason)(r, now);
  };

export const wrapUpOver: Mutation = (r, now) =>
  r.state === 'wrap-up' && r.wrapUpUntil && r.wrapUpUntil <= now ? chosen('available', null)(r, now) : null;
