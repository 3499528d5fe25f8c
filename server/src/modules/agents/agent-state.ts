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
