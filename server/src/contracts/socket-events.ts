import { type AgentStateName } from './dto/agent-state';
import { type CallCard } from './dto/call-card';
import { type LeadDto } from './dto/lead';
import { type NotificationDto } from './dto/notification';
import { type TaskDto } from './dto/task';
import { type SlaAlertDto } from './dto/sla-alerts';
import { type WallboardDto } from './dto/wallboard';

/**
 * Socket.IO contract shared by the server (realtime/) and the client (realtime/).
 *
 * Rooms the server joins a socket to on connect: `user:<userId>`, `role:<role>`; and `call:<callId>` once the
 * user's phone rings for that call (so answer/transfer/end reach every screen that showed the card).
 * After a reconnect the client refetches `GET /api/calls/active` (the REST resync); connection-state recovery
 * replays what was missed during short drops.
 */

export type CallDirectionDto = 'inbound' | 'outbound' | 'internal';
export type LiveCallStatus = 'ringing' | 'answered' | 'held' | 'ended';

export interface LivePartyDto {
  raw: string;
  e164: string | null;
  extension: string | null;
  anonymous: boolean;
}

/** A call as the live screens see it: the REST resync returns the same shape. */
export interface LiveCallDto {
  id: string;
  direction: CallDirectionDto;
  from: LivePartyDto;
  to: LivePartyDto;
  queue: string | null;
  status: LiveCallStatus;
  /** Extensions whose phones ring right now. */
  ringing: string[];
  /** Extension of the operator on the call, once answered (follows transfers). */
  agentExtension: string | null;
  startedAt: string;
  answeredAt: string | null;
}

export interface CallRingingPayload {
  call: LiveCallDto;
  /** The operator whose phone rings (the recipient of this event). */
  agentExtension: string;
  card: CallCard;
}

export interface CallAnsweredPayload {
  call: LiveCallDto;
  /** Who answered; every other screen that showed the card hides it. */
  agentExtension: string | null;
}

export interface CallTransferredPayload {
  call: LiveCallDto;
  kind: 'blind' | 'attended';
  fromAgentExtension: string | null;
  toAgentExtension: string | null;
}

export interface CallEndedPayload {
  call: LiveCallDto;
  /** `blocked`: the PBX refused the call by policy (a blocked caller, a do-not-call number). */
  disposition: 'answered' | 'missed' | 'abandoned' | 'failed' | 'blocked';
  waitSeconds: number;
  talkSeconds: number;
}

// Its own file, so dto/wallboard (which this file imports) can use it without an import cycle.
export type { AgentStateName };

export interface AgentStateDto {
  userId: string;
  extension: string;
  state: AgentStateName;
  /** Break reason ("lunch", "training"…) when state is `break`. */
  reason: string | null;
  /** ISO time the state began (for the wallboard's timers). */
  since: string;
}

/** A record someone else gave to the recipient (a supervisor's or manager's reassignment; audited). */
export interface RecordReassignedPayload {
  entityType: 'contact' | 'company' | 'lead' | 'deal' | 'task';
  entityId: string;
  /** Its title or name, as the new owner will find it. */
  name: string;
  fromUserId: string | null;
  toUserId: string | null;
  byUserId: string;
  at: string;
}

/** A website form was submitted: the lead it made or found, or the contact that has the number. */
export interface LeadSubmittedPayload {
  lead: LeadDto | null;
  contactId: string | null;
  /** True when this submission made the lead (no open lead or contact had the number). */
  created: boolean;
  form: { id: string; name: string };
  /** The visitor asked to be called back: being rung now, or a task for later. */
  callback: 'calling' | 'scheduled' | null;
}

export interface ServerToClientEvents {
  'call:ringing': (payload: CallRingingPayload) => void;
  'call:answered': (payload: CallAnsweredPayload) => void;
  'call:transferred': (payload: CallTransferredPayload) => void;
  'call:ended': (payload: CallEndedPayload) => void;
  'lead:created': (payload: { lead: LeadDto; callId: string }) => void;
  /** To supervisors, managers, admins and the client's owner. */
  'lead:submitted': (payload: LeadSubmittedPayload) => void;
  /** A callback task was created for (or escalated to) the recipient. */
  'task:assigned': (payload: {
    task: TaskDto;
    reason: 'missed-call' | 'abandoned-call' | 'escalation' | 'callback-request';
  }) => void;
  /** A record was reassigned to the recipient (`user:<id>` of the new owner). */
  'record:reassigned': (payload: RecordReassignedPayload) => void;
  /** One of the recipient's open tasks is (about to be) due: sent once per due time (`TASK_REMINDER_*`). */
  'task:due': (payload: { task: TaskDto }) => void;
  /**
   * A notification stored for the recipient (`user:<id>`): it stays in `GET /api/notifications` until read, so a
   * user who was offline finds it at the next login. `unread` is their unread count after it.
   */
  'notification:new': (payload: { notification: NotificationDto; unread: number }) => void;
  'agent:state': (payload: AgentStateDto) => void;
  /** Live wallboard snapshot for supervisors and managers (role rooms). */
  'wallboard:update': (payload: WallboardDto) => void;
  /** A queue broke an SLA threshold (issue #20), to supervisors, managers and admins; once per breach. */
  'sla:alert': (payload: SlaAlertDto) => void;
  /** That breach is over (`endedAt` set). */
  'sla:cleared': (payload: SlaAlertDto) => void;
  'provider:status': (payload: { up: boolean; source: 'ami' | 'sip'; reason?: string }) => void;
}

/** Acks always carry `{ error: { code, message } }` on failure, like REST. */
export type SocketAck<T> = (
  response: { ok: true; data: T } | { ok: false; error: { code: string; message: string } },
) => void;

export interface ClientToServerEvents {
  /** Ask for the live calls the user may see (same data as GET /api/calls/active). */
  'calls:active': (ack: SocketAck<LiveCallDto[]>) => void;
}

export interface SocketData {
  userId: string;
  /** The session the handshake's cookie belongs to: its end (logout, deactivation) closes the socket. */
  sessionId: string;
  role: 'admin' | 'manager' | 'supervisor' | 'operator';
  extension: string | null;
  /** A supervisor who leads teams: themselves and their teams' members (whose live calls the socket may list). */
  teamScope?: string[];
}
