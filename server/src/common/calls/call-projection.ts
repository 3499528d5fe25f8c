import {
  type CallDirection,
  type CallDisposition,
  type CallEvent,
  type CallStatus,
  type HangupCause,
} from '@telephony';

/** The stored shape of a call, derived only from its events, so replays and reorderings converge. */
export interface CallProjection {
  id: string;
  linkedid: string | null;
  direction: CallDirection;
  status: CallStatus;
  fromRaw: string;
  fromE164: string | null;
  anonymous: boolean;
  toRaw: string;
  toE164: string | null;
  queue: string | null;
  /** Extension currently responsible for the call: the answering operator, or the transfer target. */
  agentExtension: string | null;
  /** Extensions whose phones ring right now. */
  ringingAgents: string[];
  /** Every extension that handled the call (answered it or received it by transfer), in order. */
  handledBy: string[];
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  holdSeconds: number;
  disposition: CallDisposition | null;
  hangupCause: HangupCause | null;
  recordingFile: string | null;
  lastSeq: number;
  /** Seq of the call.ended that ended it (a call ends once; a later one is kept in the log but changes nothing). */
  endedSeq: number | null;
  closedFromCdr: boolean;
}

const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/**
 * A call as its owner keeps it in memory: the record, the events it was folded from (in `seq` order, no
 * duplicates) and the one thing the record does not show, a hold still in progress. `call` is replaced on every
 * step, so an older fold's record stays as it was (a reaction's `before`); `events` is one append-only array
 * shared by the successive folds of a call, so a step costs O(1).
 */
export interface CallFold {
  readonly call: CallProjection;
  readonly events: CallEvent[];
  readonly heldSince: string | null;
}

/**
 * Folds the events of one call, in `seq` order and with duplicates dropped, into its record.
 * Returns null when no event of the call is known yet.
 */
export function projectCall(events: readonly CallEvent[]): CallProjection | null {
  return foldCall(events)?.call ?? null;
}

/** The whole fold of a set of events, whatever their order and duplication; null for none. */
export function foldCall(events: readonly CallEvent[]): CallFold | null {
  const ordered = [...new Map(events.map((e) => [e.seq, e])).values()].sort((a, b) => a.seq - b.seq);
  const first = ordered[0];
  if (!first) return null;
  let fold: CallFold = { call: startCall(first), events: [], heldSince: null };
  for (const e of ordered) fold = step(fold, e);
  return fold;
}

/**
 * Adds one event to a call's fold. The usual case, an event newer than all before it, costs one step; an older one
 * (a redelivery overtaking, a resync) refolds the call, so the record is always the fold of every event in `seq`
 * order. A `seq` already folded changes nothing: `applied` is false.
 */
export function applyCallEvent(fold: CallFold | null, event: CallEvent): { fold: CallFold; applied: boolean } {
  if (!fold) return { fold: step({ call: startCall(event), events: [], heldSince: null }, event), applied: true };
  if (event.seq > fold.call.lastSeq) return { fold: step(fold, event), applied: true };
  if (fold.events.some((e) => e.seq === event.seq)) return { fold, applied: false };
  return { fold: foldCall([...fold.events, event])!, applied: true };
}

function startCall(first: CallEvent): CallProjection {
  return {
    id: first.callId,
    linkedid: first.externalIds.linkedid ?? null,
    direction: first.direction,
    status: 'created',
    fromRaw: first.from.raw,
    fromE164: first.from.e164,
    anonymous: first.from.anonymous,
    toRaw: first.to.raw,
    toE164: first.to.e164,
    queue: first.queue ?? null,
    agentExtension: null,
    ringingAgents: [],
    handledBy: [],
    startedAt: first.occurredAt,
    answeredAt: null,
    endedAt: null,
    waitSeconds: null,
    talkSeconds: null,
    holdSeconds: 0,
    disposition: null,
    hangupCause: null,
    recordingFile: null,
    lastSeq: first.seq,
    endedSeq: null,
    closedFromCdr: false,
  };
}

/** One event onto the fold, newest last. Returns a new fold; the old one (a reaction's `before`) is untouched. */
function step(fold: CallFold, e: CallEvent): CallFold {
  const call: CallProjection = { ...fold.call };
  let heldSince = fold.heldSince;
  const handle = (agent: string | undefined) => {
    if (!agent) return;
    call.agentExtension = agent;
    if (call.handledBy.at(-1) !== agent) call.handledBy = [...call.handledBy, agent];
  };

  call.lastSeq = e.seq;
  call.queue = e.queue ?? call.queue;
  // Click-to-call learns the dialled number only once the outside leg exists (after the operator answered).
  if (call.toE164 === null && e.to.e164 !== null) {
    call.toRaw = e.to.raw;
    call.toE164 = e.to.e164;
  }
  if (e.type === 'call.created' && e.occurredAt < call.startedAt) call.startedAt = e.occurredAt;
  switch (e.type) {
    case 'call.ringing':
      if (!call.ringingAgents.includes(e.agentId)) call.ringingAgents = [...call.ringingAgents, e.agentId].sort();
      if (call.status === 'created') call.status = 'ringing';
      break;
    case 'call.ring-stopped':
      call.ringingAgents = call.ringingAgents.filter((a) => a !== e.agentId);
      break;
    case 'call.answered':
      call.ringingAgents = [];
      call.answeredAt ??= e.occurredAt;
      call.waitSeconds ??= e.waitSeconds;
      call.status = 'answered';
      handle(e.agentId);
      break;
    case 'call.held':
      heldSince ??= e.occurredAt;
      call.status = 'held';
      break;
    case 'call.resumed':
      if (heldSince) call.holdSeconds += seconds(heldSince, e.occurredAt);
      heldSince = null;
      call.status = 'answered';
      break;
    case 'call.transferred':
      handle(e.agentId);
      break;
    case 'recording.ready':
      call.recordingFile = e.file;
      break;
    case 'call.ended':
      // A call ends once: a later end (an adapter that restarted and closed it again) does not rewrite it.
      if (call.status === 'ended') break;
      if (heldSince) call.holdSeconds += seconds(heldSince, e.occurredAt);
      heldSince = null;
      call.ringingAgents = [];
      call.status = 'ended';
      call.endedSeq = e.seq;
      call.endedAt = e.occurredAt;
      call.hangupCause = e.cause;
      call.waitSeconds = e.answered ? (call.waitSeconds ?? e.waitSeconds) : e.waitSeconds;
      call.talkSeconds = e.talkSeconds;
      call.closedFromCdr = e.closedFromCdr ?? false;
      // The end names the operator who had the call: the answer (or transfer) saying so may not have been stored
      // yet when the end is (a takeover mid-call), and the end's announcement must not lose who talked.
      if (e.answered) handle(e.agentId);
      call.disposition = disposition(e.answered || call.answeredAt !== null, e.abandoned, call.direction, e.blocked);
      break;
    case 'call.created':
    case 'call.bridged':
      break;
  }
  fold.events.push(e);
  return { call, events: fold.events, heldSince };
}

function disposition(
  answered: boolean,
  abandoned: boolean,
  direction: CallDirection,
  blocked = false,
): CallDisposition {
  if (answered) return 'answered';
  // The PBX refused it by policy (blocked caller, do-not-call number): not a call anybody missed or failed to place.
  if (blocked) return 'blocked';
  if (direction === 'outbound') return 'failed';
  return abandoned ? 'abandoned' : 'missed';
}
