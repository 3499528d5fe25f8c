import type { CallDirection, ProviderSource } from './call-status';
import type { HangupCause } from './hangup-cause';

/**
 * A phone number as the PBX gave it and, when it could be parsed, its E.164 form.
 * `e164` is null for withheld/anonymous callers and for internal extensions (those go in `extension`).
 */
export interface Party {
  raw: string;
  e164: string | null;
  extension: string | null;
  name: string | null;
  anonymous: boolean;
}

/** Identifiers the PBX knows the call by; consumers never interpret them, only store and match. */
export interface ExternalIds {
  linkedid?: string;
  uniqueid?: string;
  sipCallId?: string;
}

interface CallEventBase {
  /** Our stable id for the call (UUID v5 of the provider's call key, so a restarted adapter derives the same id). */
  callId: string;
  /** Id of the leg the event concerns (UUID v5 of the channel/dialog). */
  legId: string;
  externalIds: ExternalIds;
  /**
   * Increases by one per call; consumers dedupe on (callId, seq) and reorder by it. A call the adapter learns
   * midway (on resync, e.g. after the adapter process restarted) numbers on from the PBX clock in ms, so what it
   * says sorts after, and never collides with, what an earlier process said about the call.
   */
  seq: number;
  /** ISO-8601 from the PBX clock (AMI Timestamp), not from our receipt time. */
  occurredAt: string;
  direction: CallDirection;
  from: Party;
  to: Party;
  queue?: string;
  /** Operator's extension the event concerns (ringing / answering / transfer target; on call.ended, who had it). */
  agentId?: string;
  source: ProviderSource;
}

export interface CallCreated extends CallEventBase {
  type: 'call.created';
}
export interface CallRinging extends CallEventBase {
  type: 'call.ringing';
  agentId: string;
}
/** A ringing leg stopped ringing without being answered (another member answered, or the caller left). */
export interface CallRingStopped extends CallEventBase {
  type: 'call.ring-stopped';
  agentId: string;
}
export interface CallAnswered extends CallEventBase {
  type: 'call.answered';
  agentId?: string;
  /** Seconds from call.created to answer. */
  waitSeconds: number;
}
export interface CallBridged extends CallEventBase {
  type: 'call.bridged';
}
export interface CallHeld extends CallEventBase {
  type: 'call.held';
}
export interface CallResumed extends CallEventBase {
  type: 'call.resumed';
}
export interface CallTransferred extends CallEventBase {
  type: 'call.transferred';
  kind: 'blind' | 'attended';
  fromAgentId?: string;
  agentId?: string;
}
export interface CallEnded extends CallEventBase {
  type: 'call.ended';
  cause: HangupCause;
  /** Provider-specific cause text (Q.850 code or SIP status) kept for diagnostics. */
  rawCause?: string;
  /** An operator answered, or the PBX itself did (IVR/echo, no operator ever rung or queued; `agentId` absent). */
  answered: boolean;
  /** Caller hung up while queued or ringing (abandoned) as opposed to nobody answering (missed). */
  abandoned: boolean;
  waitSeconds: number;
  talkSeconds: number;
  /** Set when the call ended while the adapter was disconnected and was closed from CDR on resync. */
  closedFromCdr?: boolean;
  /**
   * The PBX refused the call by policy before anyone answered: the caller (inbound) or the dialled number (outbound)
   * is blocked or do-not-call. Absent otherwise. A call closed from CDR after a reconnect cannot tell and lacks it.
   */
  blocked?: boolean;
}
export interface RecordingReady extends CallEventBase {
  type: 'recording.ready';
  /** Path as the PBX wrote it (MIXMONITOR_FILENAME); the server maps it into its storage. */
  file: string;
  /**
   * True when the PBX has said the file is complete (Asterisk: `MixMonitorStop`, which StopMixMonitor publishes
   * after closing the file), so it can be read at once. Absent: the recorded channels hung up and the PBX may
   * still be closing the file; the reader checks that its header accounts for its size.
   */
  closed?: boolean;
}

export type CallEvent =
  | CallCreated
  | CallRinging
  | CallRingStopped
  | CallAnswered
  | CallBridged
  | CallHeld
  | CallResumed
  | CallTransferred
  | CallEnded
  | RecordingReady;

export type CallEventType = CallEvent['type'];

/**
 * A call an earlier adapter process left open, as the server recorded it. A restarted adapter takes these over
 * on its first resync: the ones the PBX still has carry on (no second call.created/answered), the others are
 * closed as if the adapter had only lost its link (from their Cdr, else as failed after a grace period).
 */
export interface OpenCall {
  callId: string;
  externalIds: ExternalIds;
  direction: CallDirection;
  from: Party;
  to: Party;
  queue?: string;
  startedAt: string;
  answeredAt?: string;
  /** The operator who has the call, when it was answered. */
  agentId?: string;
}

export type AgentStatus = 'available' | 'busy' | 'ringing' | 'paused' | 'offline';
export interface AgentStateEvent {
  type: 'agent.state';
  agentId: string;
  status: AgentStatus;
  queue?: string;
  pauseReason?: string;
  /**
   * Set when this event pauses or unpauses the operator: `requested` = the adapter carried out `setAgentPaused` (the
   * server's own change coming back), `external` = the PBX itself (a desk-phone feature code, Asterisk's autopause
   * after a ring with no answer, another AMI client). Absent when only a device changed, and on the first report of
   * an operator (the adapter's baseline, not a change).
   */
  pauseChange?: 'requested' | 'external';
  occurredAt: string;
  source: ProviderSource;
}

export interface ProviderUp {
  type: 'provider.up';
  source: ProviderSource;
  occurredAt: string;
}
export interface ProviderDown {
  type: 'provider.down';
  source: ProviderSource;
  occurredAt: string;
  reason: string;
}
export type ProviderStatusEvent = ProviderUp | ProviderDown;

export type TelephonyEvent = CallEvent | AgentStateEvent | ProviderStatusEvent;
