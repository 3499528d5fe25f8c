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
 * Folds the events of one call, in `seq` order and with duplicates dropped, into its record.
 * Returns null when no event of the call is known yet.
 */
export function projectCall(events: readonly CallEvent[]): CallProjection | null {
  const ordered = [...new Map(events.map((e) => [e.seq, e])).values()].sort((a, b) => a.seq - b.seq);
  const first = ordered[0];
  if (!first) return null;
  const call: CallProjection = {
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
  const ringing = new Set<string>();
  let heldSince: string | null = null;
  const handle = (agent: string | undefined) => {
    if (!agent) return;
    call.agentExtension = agent;
    if (call.handledBy.at(-1) !== agent) call.handledBy.push(agent);
  };

  for (const e of ordered) {
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
        ringing.add(e.agentId);
        if (call.status === 'created') call.status = 'ringing';
        break;
      case 'call.ring-stopped':
        ringing.delete(e.agentId);
        break;
      case 'call.answered':
        ringing.clear();
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
        ringing.clear();
        call.status = 'ended';
        call.endedSeq = e.seq;
        call.endedAt = e.occurredAt;
        call.hangupCause = e.cause;
        call.waitSeconds = e.answered ? (call.waitSeconds ?? e.waitSeconds) : e.waitSeconds;
        call.talkSeconds = e.talkSeconds;
        call.closedFromCdr = e.closedFromCdr ?? false;
        // The end names the operator who had the call: the answer (or transfer) saying so may still be in flight on
        // another node, and the end's announcement must not lose who talked.
        if (e.answered) handle(e.agentId);
        call.disposition = disposition(e.answered || call.answeredAt !== null, e.abandoned, call.direction);
        break;
      case 'call.created':
      case 'call.bridged':
        break;
    }
  }
  call.ringingAgents = [...ringing].sort();
  return call;
}

function disposition(answered: boolean, abandoned: boolean, direction: CallDirection): CallDisposition {
  if (answered) return 'answered';
  if (direction === 'outbound') return 'failed';
  return abandoned ? 'abandoned' : 'missed';
}
