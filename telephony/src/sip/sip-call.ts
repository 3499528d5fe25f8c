import type { CallDirection } from '@telephony/model/call-status';
import type { CallEvent, CallEnded, Party } from '@telephony/model/call-event';
import type { HangupCause } from '@telephony/model/hangup-cause';
import { operatorOf } from '@telephony/phone/operator-endpoint';
import { callIdForSip, legIdForSip } from '@telephony/sip/sip-event-mapper';

type Extra<T extends CallEvent['type']> = Omit<
  Extract<CallEvent, { type: T }>,
  'type' | 'callId' | 'legId' | 'externalIds' | 'seq' | 'occurredAt' | 'direction' | 'from' | 'to' | 'source'
>;

export interface SipCallInit {
  /** Call-ID of the trunk leg: the call's key. */
  sipCallId: string;
  direction: CallDirection;
  from: Party;
  to: Party;
  /** Receipt time of the INVITE (ms). */
  nowMs: number;
  /**
   * A call an earlier process of this node left open, taken over to be closed: its answer and operator as stored,
   * its events numbered on from `seqBase` (the clock in ms) so they sort after, and never collide with, the earlier
   * process's (as the AMI adapter numbers the calls it learns on resync).
   */
  resumed?: { seqBase: number; answeredAtMs?: number; agentId?: string; queue?: string };
}

export interface EndOptions {
  cause: HangupCause;
  rawCause?: string;
  /** Caller gave up before anyone answered. Only meaningful for inbound calls. */
  callerCancelled?: boolean;
  closedFromCdr?: boolean;
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/**
 * One call as the SIP front saw it: turns what happened into normalized events with a per-call `seq`.
 * Pure bookkeeping, no I/O; the provider passes the receipt clock in. SIP carries no PBX timestamp
 * (drachtio's `time` token is the SIP stack's receipt time of that one message, absent on our own decisions),
 * so `occurredAt` is our clock when we handled the message.
 * After `ended` every call is a no-op, so a late BYE/CANCEL/cdr:stop cannot produce a second `call.ended`.
 */
export class SipCall {
  readonly callId: string;
  private seq = 0;
  private readonly createdAtMs: number;
  private answeredAtMs: number | undefined;
  private agentId: string | undefined;
  private readonly ringing = new Map<string, string>();
  private endedFlag = false;
  private onHold = false;
  private queue: string | undefined;

  constructor(
    private readonly init: SipCallInit,
    private readonly emit: (event: CallEvent) => void,
  ) {
    this.callId = callIdForSip(init.sipCallId, init.nowMs);
    this.createdAtMs = init.nowMs;
    const resumed = init.resumed;
    if (resumed) {
      this.seq = resumed.seqBase;
      this.answeredAtMs = resumed.answeredAtMs;
      this.agentId = resumed.agentId;
      this.queue = resumed.queue;
    }
  }

  /** What a successor needs to close the call (see `resumed`). */
  get state(): Pick<SipCallInit, 'direction' | 'from' | 'to'> & {
    startedAtMs: number;
    answeredAtMs?: number;
    agentId?: string;
    queue?: string;
  } {
    return {
      direction: this.init.direction,
      from: this.init.from,
      to: this.init.to,
      startedAtMs: this.createdAtMs,
      ...(this.answeredAtMs !== undefined ? { answeredAtMs: this.answeredAtMs } : {}),
      ...(this.agentId !== undefined ? { agentId: this.agentId } : {}),
      ...(this.queue !== undefined ? { queue: this.queue } : {}),
    };
  }

  get ended(): boolean {
    return this.endedFlag;
  }
  get answered(): boolean {
    return this.answeredAtMs !== undefined;
  }
  get currentAgent(): string | undefined {
    return this.agentId;
  }
  /** Operators whose phones ring for this call right now. */
  get ringingAgents(): string[] {
    return [...this.ringing.keys()];
  }

  /** The call entered a queue: its later events carry the queue's name, as AMI's do once QueueCallerJoin came. */
  joinQueue(name: string): void {
    this.queue = name;
  }

  created(): void {
    this.push('call.created', this.init.sipCallId, this.init.nowMs, {});
  }

  /** The operator's phone was invited (like AMI DialBegin). `legCallId`: Call-ID of that B leg. */
  ringingAt(agentId: string, legCallId: string, nowMs: number): void {
    if (this.ringing.has(agentId)) return;
    this.ringing.set(agentId, legCallId);
    this.push('call.ringing', legCallId, nowMs, { agentId });
  }

  ringStopped(agentId: string, nowMs: number): void {
    const leg = this.ringing.get(agentId);
    if (leg === undefined) return;
    this.ringing.delete(agentId);
    this.push('call.ring-stopped', leg, nowMs, { agentId });
  }

  /** First answer → call.answered; a new operator after a transfer → call.bridged. */
  connected(agentId: string, legCallId: string, nowMs: number): void {
    this.ringing.delete(agentId);
    if (this.answeredAtMs === undefined) {
      this.answeredAtMs = nowMs;
      this.agentId = agentId;
      this.push('call.answered', legCallId, nowMs, { agentId, waitSeconds: seconds(nowMs - this.createdAtMs) });
    } else if (agentId !== this.agentId) {
      this.agentId = agentId;
      this.push('call.bridged', legCallId, nowMs, { agentId });
    }
    for (const other of [...this.ringing.keys()]) this.ringStopped(other, nowMs);
  }

  /** Media direction changed by a re-INVITE; repeated holds (session refreshes) emit nothing. */
  hold(held: boolean, legCallId: string, nowMs: number): void {
    if (held === this.onHold || !this.answered) return;
    this.onHold = held;
    this.push(held ? 'call.held' : 'call.resumed', legCallId, nowMs, {});
  }

  /** `fromAgentId`: who transferred, when the new operator is already bridged (attended, as AMI reports it). */
  transferred(
    kind: 'blind' | 'attended',
    toAgentId: string | undefined,
    legCallId: string,
    nowMs: number,
    fromAgentId: string | undefined = this.agentId,
  ): void {
    this.push('call.transferred', legCallId, nowMs, {
      kind,
      ...(fromAgentId ? { fromAgentId } : {}),
      ...(toAgentId ? { agentId: toAgentId } : {}),
    });
  }

  /** The call's recording is written (like MixMonitor's file, reported just before the end). */
  recordingReady(file: string, nowMs: number): void {
    if (this.endedFlag) return;
    this.push('recording.ready', this.init.sipCallId, nowMs, { file });
  }

  end(options: EndOptions, nowMs: number): CallEnded | undefined {
    if (this.endedFlag) return undefined;
    for (const agentId of [...this.ringing.keys()]) this.ringStopped(agentId, nowMs);
    this.endedFlag = true;
    const answered = this.answeredAtMs !== undefined;
    const abandoned = !answered && options.callerCancelled === true && this.init.direction === 'inbound';
    const event = this.push('call.ended', this.init.sipCallId, nowMs, {
      cause: abandoned ? 'cancel' : options.cause,
      ...(options.rawCause !== undefined ? { rawCause: options.rawCause } : {}),
      answered,
      abandoned,
      waitSeconds: seconds((this.answeredAtMs ?? nowMs) - this.createdAtMs),
      talkSeconds: this.answeredAtMs !== undefined ? seconds(nowMs - this.answeredAtMs) : 0,
      ...(options.closedFromCdr ? { closedFromCdr: true } : {}),
    });
    return event as CallEnded;
  }

  /** Operators are reported by extension: a softphone twin (`1001-web`) is folded here, not by consumers. */
  private push<T extends CallEvent['type']>(type: T, legCallId: string, nowMs: number, extra: Extra<T>): CallEvent {
    this.seq += 1;
    const endpoint = (extra as { agentId?: string }).agentId ?? this.agentId;
    const agentId = endpoint === undefined ? undefined : operatorOf(endpoint);
    const from = (extra as { fromAgentId?: string }).fromAgentId;
    const event = {
      type,
      callId: this.callId,
      legId: legIdForSip(legCallId),
      externalIds: { sipCallId: this.init.sipCallId },
      seq: this.seq,
      occurredAt: new Date(nowMs).toISOString(),
      direction: this.init.direction,
      from: this.init.from,
      to: this.init.to,
      source: 'sip',
      ...(this.queue !== undefined ? { queue: this.queue } : {}),
      ...extra,
      ...(agentId !== undefined ? { agentId } : {}),
      ...(from !== undefined ? { fromAgentId: operatorOf(from) } : {}),
    } as CallEvent;
    this.emit(event);
    return event;
  }
}
