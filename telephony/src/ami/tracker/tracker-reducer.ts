import type { CallEvent, Party } from '@telephony/model/call-event';
import type { CallDirection } from '@telephony/model/call-status';
import { causeFromQ850, type HangupCause } from '@telephony/model/hangup-cause';
import { toParty } from '@telephony/phone/normalize-phone';
import { withheldParty } from '@telephony/phone/withheld';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { isWithheldPresentation } from '@telephony/ami/caller-presentation';
import {
  Draft,
  callIdFor,
  legIdFor,
  own,
  type CallTrackerConfig,
  type ChannelRole,
  type TrackedCall,
  type TrackedChannel,
  type TrackerState,
} from '@telephony/ami/tracker/tracker-state';

/**
 * What every event family's reducer shares: reading the channel snapshots an AMI event carries, and the operations
 * on the draft (observe a channel, announce, ring, answer, hang up, end a call) that emit the normalized events.
 */

export interface Snapshot {
  name: string;
  uniqueid: string;
  linkedid: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  exten: string;
  presentation?: string;
}

export const SNAPSHOT_PREFIXES = [
  '',
  'dest',
  'transferer',
  'transferee',
  'origtransferer',
  'secondtransferer',
  'transfertarget',
  'localone',
  'localtwo',
] as const;

/** Events that carry channel snapshots we may learn channels from. Anything else never creates a call. */
export const CHANNEL_EVENTS = new Set([
  'newchannel',
  'newstate',
  'newcallerid',
  'newconnectedline',
  'newexten',
  'varset',
  'dialbegin',
  'dialstate',
  'dialend',
  'bridgeenter',
  'bridgeleave',
  'hold',
  'unhold',
  'queuecallerjoin',
  'queuecallerleave',
  'queuecallerabandon',
  'agentcalled',
  'agentconnect',
  'agentcomplete',
  'agentringnoanswer',
  'agentdump',
  'blindtransfer',
  'attendedtransfer',
  'localbridge',
  'musiconholdstart',
  'musiconholdstop',
  'mixmonitorstart',
  'mixmonitorstop',
  'hanguprequest',
  'softhanguprequest',
  'hangup',
]);

const SNAPSHOT_KEYS = new Map(
  SNAPSHOT_PREFIXES.map((p) => [
    p,
    {
      uniqueid: `${p}uniqueid`,
      linkedid: `${p}linkedid`,
      channel: `${p}channel`,
      calleridnum: `${p}calleridnum`,
      calleridname: `${p}calleridname`,
      connectedlinenum: `${p}connectedlinenum`,
      exten: `${p}exten`,
    },
  ]),
);

export function snapshot(
  ev: AmiEvent,
  prefix: (typeof SNAPSHOT_PREFIXES)[number],
  presentationVariable: string,
): Snapshot | undefined {
  const f = ev.fields;
  const k = SNAPSHOT_KEYS.get(prefix);
  if (!k) return undefined;
  const uniqueid = f[k.uniqueid];
  const linkedid = f[k.linkedid];
  const name = f[k.channel];
  if (!uniqueid || !linkedid || name === undefined) return undefined;
  return {
    name,
    uniqueid,
    linkedid,
    callerNum: f[k.calleridnum] ?? '',
    callerName: f[k.calleridname] ?? '',
    connectedNum: f[k.connectedlinenum] ?? '',
    exten: f[k.exten] ?? '',
    ...presentationOf(ev.variables[prefix], presentationVariable),
  };
}

export function presentationOf(
  variables: Readonly<Record<string, string>> | undefined,
  name: string,
): { presentation?: string } {
  const value = name && variables ? own(variables, name) : undefined;
  return value ? { presentation: value } : {};
}

export function parseTimestamp(ev: AmiEvent): number | undefined {
  const raw = ev.fields.timestamp;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

export function roleOf(name: string, config: CallTrackerConfig): { role: ChannelRole; agentId?: string } {
  if (config.trunkChannel.test(name)) return { role: 'trunk' };
  const m = config.agentChannel.exec(name);
  if (m?.[1]) return { role: 'agent', agentId: m[1] };
  return { role: 'other' };
}

/** Agent id from a queue member interface/name (`PJSIP/1001`, `Local/1001@agents/n`, `1001`). */
export function agentFromInterface(value: string | undefined, config: CallTrackerConfig): string | undefined {
  if (!value) return undefined;
  const m = config.agentChannel.exec(value);
  if (m?.[1]) return m[1];
  return /^\d{2,6}$/.test(value) ? value : undefined;
}

export const isDialTarget = (exten: string) => /^\+?[\d*#]{2,}$/.test(exten);
const EMPTY_PARTY: Party = { raw: '', e164: null, extension: null, name: null, anonymous: false };

/** The channels an event named, by snapshot prefix (`''` is the event's own channel). */
export type Seen = Partial<Record<(typeof SNAPSHOT_PREFIXES)[number], TrackedChannel>>;

export const RECORDING_VARIABLE = 'MIXMONITOR_FILENAME';
export const BLOCKED_VARIABLE = 'ZV_BLOCKED';

export class Reducer {
  readonly d: Draft;
  now: number;
  /** Seq before the first event of a call created here (CallEventBase.seq: resync sets the PBX clock). */
  seqBase = 0;

  constructor(state: TrackerState, config: CallTrackerConfig, ts?: number, inPlace = false) {
    this.d = new Draft(state, config, inPlace);
    if (ts !== undefined && ts > this.d.lastTimestampMs) this.d.lastTimestampMs = ts;
    this.now = ts ?? this.d.lastTimestampMs;
  }

  get config(): CallTrackerConfig {
    return this.d.config;
  }

  party(num: string, name?: string): Party {
    return toParty(num, name, this.config.normalize);
  }

  /** The caller as the PBX identifies it, withheld when its presentation says so. */
  callerParty(ch: Pick<TrackedChannel, 'callerNum' | 'callerName' | 'presentation'>): Party {
    return isWithheldPresentation(ch.presentation) ? withheldParty() : this.party(ch.callerNum, ch.callerName);
  }

  /** Calls created from a Newchannel in this reduction (not announced before the caller's next event). */
  readonly provisional = new Set<string>();

  emit(call: TrackedCall, legUniqueid: string, payload: DistributiveOmit<CallEvent, BaseKeys>): void {
    if (call.unannounced && payload.type !== 'call.created') this.announce(call);
    call.seq += 1;
    const base = {
      callId: call.callId,
      legId: legIdFor(legUniqueid),
      externalIds: { linkedid: call.key, uniqueid: legUniqueid },
      seq: call.seq,
      occurredAt: new Date(this.now).toISOString(),
      direction: call.direction,
      from: call.from,
      to: call.to,
      source: 'ami' as const,
      ...(call.queue ? { queue: call.queue } : {}),
      ...(call.agentId ? { agentId: call.agentId } : {}),
    };
    this.d.events.push({ ...base, ...payload } as CallEvent);
  }

  /**
   * Learns/updates a channel from a snapshot; creates its call when allowed. Returns the channel if tracked.
   * `provisional`: the snapshot is a Newchannel's, whose presentation may not be final (see the module TSDoc).
   */
  observe(snap: Snapshot, allowCreate: boolean, provisional = false): TrackedChannel | undefined {
    const d = this.d;
    const known = d.peekChannel(snap.uniqueid);
    if (
      known &&
      (!snap.name || snap.name === known.name) &&
      (!snap.exten || snap.exten === known.exten) &&
      (snap.presentation === undefined || snap.presentation === known.presentation) &&
      snap.linkedid === known.reportedLinkedid
    ) {
      return known;
    }
    let ch = known ? d.channel(snap.uniqueid) : undefined;
    if (ch) {
      if (snap.name && snap.name !== ch.name) Object.assign(ch, { name: snap.name }, roleOf(snap.name, this.config));
      if (snap.exten) ch.exten = snap.exten;
      if (isDialTarget(snap.exten)) ch.dialled = snap.exten;
      if (snap.presentation !== undefined) ch.presentation = snap.presentation;
      if (snap.linkedid !== ch.reportedLinkedid) {
        ch.reportedLinkedid = snap.linkedid;
        if (snap.linkedid !== ch.callKey && !d.isEnded(snap.linkedid)) this.moveChannel(ch, snap);
      }
      return ch;
    }
    if (!allowCreate || d.isEnded(snap.linkedid)) return undefined;
    const { role, agentId } = roleOf(snap.name, this.config);
    const callKey = d.peekCall(snap.linkedid)
      ? snap.linkedid
      : (d.consultations.get(snap.linkedid) ?? this.consultationOf(snap, agentId) ?? snap.linkedid);
    ch = {
      uniqueid: snap.uniqueid,
      reportedLinkedid: snap.linkedid,
      callKey,
      name: snap.name,
      role,
      ...(agentId ? { agentId } : {}),
      callerNum: snap.callerNum,
      callerName: snap.callerName,
      ...(snap.presentation !== undefined ? { presentation: snap.presentation } : {}),
      exten: snap.exten,
      ...(isDialTarget(snap.exten) ? { dialled: snap.exten } : {}),
      hungUp: false,
    };
    d.addChannel(ch);
    const call = d.call(callKey);
    if (call) {
      call.live.push(ch.uniqueid);
      call.legs.push(ch.uniqueid);
    } else {
      this.createCall(ch, snap, provisional && snap.presentation !== undefined);
    }
    return ch;
  }

  /**
   * An operator's phone dialling another extension while the operator talks on a call: their consultation before an
   * attended transfer. Asterisk gives a phone's own consultation a linkedid of its own (the *2 feature's shares the
   * customer's), so it is folded into the customer's call, as the SIP front does: the colleague rings with the
   * customer's card, and the consultation is no call of its own. Scans the live calls, but only for a channel that an
   * operator's phone opens towards an extension.
   */
  private consultationOf(snap: Snapshot, agentId: string | undefined): string | undefined {
    if (!agentId || snap.uniqueid !== snap.linkedid || !isDialTarget(snap.exten) || snap.exten === agentId)
      return undefined;
    if (this.party(snap.exten).extension === null) return undefined;
    for (const call of this.d.calls.values()) {
      if (!call.answered || call.connectedAgentId !== agentId) continue;
      if (!call.live.some((u) => this.d.peekChannel(u)?.agentId === agentId)) continue;
      this.d.foldConsultation(snap.linkedid, call.key);
      return call.key;
    }
    return undefined;
  }

  /**
   * The caller of a call whose origin is this channel: for an operator's phone (or an originate towards it) the
   * operator, whatever CallerID says; else the caller ID.
   */
  private originParty(ch: TrackedChannel): Party {
    return ch.role !== 'trunk' && ch.agentId ? this.party(ch.agentId) : this.callerParty(ch);
  }

  /** Emits the `call.created` held back for a provisional call, with the caller as its channel now reports it. */
  announce(call: TrackedCall): void {
    if (!call.unannounced) return;
    delete call.unannounced;
    const origin = this.d.peekChannel(call.originUniqueid);
    if (origin) call.from = this.originParty(origin);
    const saved = this.now;
    this.now = call.createdAtMs;
    this.emit(call, call.originUniqueid, { type: 'call.created' });
    this.now = saved;
  }

  private createCall(ch: TrackedChannel, snap: Snapshot, provisional: boolean): void {
    const from = this.originParty(ch);
    const to = isDialTarget(snap.exten) ? this.party(snap.exten) : EMPTY_PARTY;
    // Not from the trunk: an operator's phone (or an originate towards it). Unknown destination (an originate
    // before it dials) counts as outbound until DialBegin says otherwise.
    const direction: CallDirection = ch.role === 'trunk' ? 'inbound' : to.extension !== null ? 'internal' : 'outbound';
    const call: TrackedCall = {
      key: ch.callKey,
      callId: callIdFor(ch.callKey),
      seq: this.seqBase,
      direction,
      from,
      to,
      originUniqueid: ch.uniqueid,
      live: [ch.uniqueid],
      legs: [ch.uniqueid],
      createdAtMs: this.now,
      answered: false,
      held: false,
      queued: false,
      everQueued: false,
      queueAbandoned: false,
      ringing: {},
      losingLegs: [],
      transfers: [],
      ...(provisional ? { unannounced: true as const } : {}),
    };
    this.d.addCall(call);
    if (provisional) this.provisional.add(call.key);
    else this.emit(call, ch.uniqueid, { type: 'call.created' });
  }

  private moveChannel(ch: TrackedChannel, snap: Snapshot): void {
    const d = this.d;
    const old = d.call(ch.callKey);
    const target = d.call(snap.linkedid);
    if (!target) {
      // The new linkedid is not a call we know: the channel keeps its call (nothing to merge into).
      return;
    }
    ch.callKey = target.key;
    if (!ch.hungUp && !target.live.includes(ch.uniqueid)) target.live.push(ch.uniqueid);
    if (!target.legs.includes(ch.uniqueid)) target.legs.push(ch.uniqueid);
    if (ch.agentId && !target.agentId && target.answered) target.agentId = ch.agentId;
    if (old) {
      old.live = old.live.filter((u) => u !== ch.uniqueid);
      old.legs = old.legs.filter((u) => u !== ch.uniqueid);
      if (old.live.length === 0) this.endCall(old, ch.uniqueid);
    }
  }

  callOf(ch: TrackedChannel | undefined): TrackedCall | undefined {
    return ch ? this.d.call(ch.callKey) : undefined;
  }

  startRinging(call: TrackedCall, agentId: string, legUniqueid: string): void {
    if (call.ringing[agentId] !== undefined) return;
    if (call.answered && call.connectedAgentId === agentId) return;
    call.ringing[agentId] = legUniqueid;
    this.emit(call, legUniqueid, { type: 'call.ringing', agentId });
  }

  stopRinging(call: TrackedCall, agentId: string): void {
    const leg = call.ringing[agentId];
    if (leg === undefined) return;
    delete call.ringing[agentId];
    if (!call.losingLegs.includes(leg)) call.losingLegs.push(leg);
    this.emit(call, leg, { type: 'call.ring-stopped', agentId });
  }

  /** First answer: call.answered; a later new operator (after a transfer): call.bridged. */
  answer(call: TrackedCall, agentId: string | undefined, legUniqueid: string): void {
    if (agentId !== undefined) delete call.ringing[agentId];
    if (!call.answered) {
      call.answered = true;
      call.answeredAtMs = this.now;
      call.queued = false;
      if (agentId) {
        call.agentId = agentId;
        call.connectedAgentId = agentId;
      }
      this.emit(call, legUniqueid, {
        type: 'call.answered',
        ...(agentId ? { agentId } : {}),
        waitSeconds: seconds(this.now - call.createdAtMs),
      });
      for (const other of Object.keys(call.ringing)) this.stopRinging(call, other);
      return;
    }
    if (agentId && agentId !== call.connectedAgentId) {
      call.agentId = agentId;
      call.connectedAgentId = agentId;
      this.emit(call, legUniqueid, { type: 'call.bridged', agentId });
    }
    for (const other of Object.keys(call.ringing)) this.stopRinging(call, other);
  }

  hangup(seen: TrackedChannel, cause: number | undefined): void {
    if (seen.hungUp) return;
    const ch = this.d.channel(seen.uniqueid);
    if (!ch) return;
    ch.hungUp = true;
    if (cause !== undefined) ch.cause = cause;
    const call = this.callOf(ch);
    if (!call) return;
    if (call.firstCause === undefined && cause !== undefined) call.firstCause = cause;
    // A leg of a folded consultation (still under its own linkedid) ending says nothing of how the call ends: the
    // colleague may have been busy while the customer talks on.
    const losing = call.losingLegs.includes(ch.uniqueid) || this.d.consultations.get(ch.reportedLinkedid) === call.key;
    if (call.answered && !losing && call.causeAfterAnswer === undefined && cause !== undefined) {
      call.causeAfterAnswer = cause;
    }
    if (ch.uniqueid !== call.originUniqueid && cause !== undefined && cause !== 16 && cause !== 0) {
      call.calleeFailureCause ??= cause;
    }
    if (ch.agentId && call.ringing[ch.agentId] === ch.uniqueid) this.stopRinging(call, ch.agentId);
    call.live = call.live.filter((u) => u !== ch.uniqueid);
    if (call.live.length === 0) this.endCall(call, ch.uniqueid);
  }

  /** `forced`: cause to report instead of deriving it (resync closing a call nobody explained). */
  endCall(call: TrackedCall, legUniqueid: string, cdr?: CdrOutcome, forced?: HangupCause): void {
    if (this.d.isEnded(call.key)) return;
    for (const agentId of Object.keys(call.ringing)) this.stopRinging(call, agentId);
    const file = call.recordingFile;
    if (file) {
      const closed = call.closedRecordings?.includes(file) ? { closed: true } : {};
      this.emit(call, call.originUniqueid, { type: 'recording.ready', file, ...closed });
    }
    const endMs = cdr ? call.createdAtMs + cdr.durationSeconds * 1000 : this.now;
    const byPbx = this.answeredByPbxOnly(call);
    const answered = cdr ? cdr.answered : call.answered || byPbx;
    const { cause, abandoned, rawCause } = cdr
      ? { ...cdr, abandoned: false }
      : forced
        ? { cause: forced, abandoned: false, rawCause: 'RESYNC_NO_CDR' }
        : this.outcome(call);
    const answeredAt = cdr
      ? endMs - cdr.billableSeconds * 1000
      : (call.answeredAtMs ?? (byPbx ? call.pbxAnsweredAtMs : undefined) ?? endMs);
    const saved = this.now;
    if (cdr) this.now = Math.max(endMs, call.createdAtMs);
    this.emit(call, legUniqueid === '' ? call.originUniqueid : legUniqueid, {
      type: 'call.ended',
      cause,
      ...(rawCause !== undefined ? { rawCause } : {}),
      answered,
      abandoned,
      waitSeconds: seconds((answered ? answeredAt : endMs) - call.createdAtMs),
      talkSeconds: answered ? seconds(endMs - answeredAt) : 0,
      ...(cdr ? { closedFromCdr: true } : {}),
      ...(call.blocked && !answered ? { blocked: true } : {}),
    });
    this.now = saved;
    this.d.markEnded(call.key);
  }

  /**
   * The PBX answered the caller (IVR/echo/voicemail) and no operator was ever queued or dialled for it: the call
   * ends answered, without an operator, like its Cdr (disposition ANSWERED) says — so the live path and a call
   * closed from Cdr after a reconnect agree. A caller who then waited in a queue or whose dial failed keeps the
   * abandoned/missed outcome.
   */
  private answeredByPbxOnly(call: TrackedCall): boolean {
    return (
      !call.answered &&
      call.pbxAnsweredAtMs !== undefined &&
      !call.everQueued &&
      call.lastDialStatus === undefined &&
      Object.keys(call.ringing).length === 0 &&
      call.losingLegs.length === 0
    );
  }

  private outcome(call: TrackedCall): { cause: HangupCause; abandoned: boolean; rawCause?: string } {
    const raw = call.answered ? call.causeAfterAnswer : call.firstCause;
    const rawCause = raw !== undefined ? String(raw) : undefined;
    const withRaw = (cause: HangupCause, abandoned = false) => ({
      cause,
      abandoned,
      ...(rawCause !== undefined ? { rawCause } : {}),
    });
    if (call.answered) {
      const c = call.causeAfterAnswer;
      return withRaw(c === undefined || c === 0 ? 'normal-clearing' : causeFromQ850(c));
    }
    if (this.answeredByPbxOnly(call)) {
      const c = call.firstCause;
      return withRaw(c === undefined || c === 0 ? 'normal-clearing' : causeFromQ850(c));
    }
    // Abandoned: the caller gave up while waiting (queue said so, or a direct Dial was cancelled by the caller).
    const callerCancelled = !call.everQueued && call.lastDialStatus === 'CANCEL';
    if (call.queueAbandoned || callerCancelled) return withRaw('cancel', call.direction === 'inbound');
    // Queued and nobody picked up (timeout, all members busy, empty queue): missed, whatever single members said.
    if (call.everQueued) return withRaw('no-answer');
    switch (call.lastDialStatus) {
      case 'BUSY':
        return withRaw('busy');
      case 'NOANSWER':
        return withRaw('no-answer');
      case 'CONGESTION':
        return withRaw('congestion');
      case 'CHANUNAVAIL':
        return withRaw('failed');
      default:
        break;
    }
    if (call.calleeFailureCause !== undefined) return withRaw(causeFromQ850(call.calleeFailureCause));
    const c = call.firstCause;
    if (c === undefined || c === 0 || c === 16) return withRaw('no-answer');
    return withRaw(causeFromQ850(c));
  }
}

export interface CdrOutcome {
  cause: HangupCause;
  rawCause: string;
  answered: boolean;
  durationSeconds: number;
  billableSeconds: number;
}

type BaseKeys =
  'callId' | 'legId' | 'externalIds' | 'seq' | 'occurredAt' | 'direction' | 'from' | 'to' | 'source' | 'queue';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}
