import type { AgentStateEvent, AgentStatus, CallEvent, Party, TelephonyEvent } from '@telephony/model/call-event';
import type { CallDirection } from '@telephony/model/call-status';
import { causeFromQ850, type HangupCause } from '@telephony/model/hangup-cause';
import { uuidV5 } from '@telephony/model/stable-id';
import { toParty, type NormalizeOptions } from '@telephony/phone/normalize-phone';
import { withheldParty } from '@telephony/phone/withheld';
import type { AmiFrame } from '@telephony/ami/ami-frame-parser';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { isWithheldPresentation, PRESENTATION_VARIABLE } from '@telephony/ami/caller-presentation';

/**
 * The call tracker: a pure reducer from AMI events (Asterisk ≥12 channel snapshots) to normalized call events.
 *
 * - A call is a Linkedid. Channels are keyed by Uniqueid; when an event reports a channel under another Linkedid
 *   (Asterisk propagates the oldest linkedid when channels share a bridge), the channel moves to that call.
 * - Time comes only from the `Timestamp` header (manager.conf `timestampevents = yes`); an event without one
 *   reuses the last timestamp seen.
 * - The call ends when its last live channel hangs up; exactly one `call.ended` per call, and ended linkedids are
 *   remembered (bounded) so late or repeated events never reopen or re-end a call.
 * - A caller whose presentation is restricted (`presentationVariable`) is withheld: the number and name are
 *   dropped here, before any event carries them. Asterisk 22 computes a `Newchannel`'s channel variables before
 *   chan_pjsip applies the trunk's P-Asserted-Identity/Privacy (trace withheld-pai.txt: `allowed_not_screened`
 *   on Newchannel, `prohib_not_screened` from the next event on), so when the presentation is exported a call
 *   first seen on a Newchannel is announced (`call.created`, with the Newchannel's time) on its next event.
 *
 * Information deliberately dropped: per-channel states (Newstate) other than hang-up, DialState progress,
 * bridge technology, MOH class, AgentComplete talk/hold times (recomputed from timestamps), CDR fields other than
 * disposition/durations, and every event not listed in `reduceAmiEvent`.
 */

export interface CallTrackerConfig {
  /** Channels towards the carrier, e.g. `/^PJSIP\/trunk-/`. */
  trunkChannel: RegExp;
  /** Operator channels/interfaces; capture group 1 is the extension, e.g. `/^PJSIP\/(\d{3,5})(?:-|$)/`. */
  agentChannel: RegExp;
  /** Passed to toParty (default country, extension pattern). */
  normalize?: NormalizeOptions;
  /**
   * Channel variable the dialplan sets to inbound|outbound|internal (exported with manager.conf `channelvars`);
   * when the caller's leg carries it before the answer, it overrides the channel-name heuristics.
   * Default `ZV_DIRECTION` (the reference profile); set '' to disable.
   */
  directionVariable?: string;
  /**
   * Channel function/variable with the caller-ID presentation (manager.conf `channelvars`). Default
   * `CALLERID(num-pres)` (the reference profile); set '' to disable. Without it a number withheld by
   * P-Asserted-Identity + `Privacy: id` cannot be told from a shown one.
   */
  presentationVariable?: string;
  /**
   * Channel variable the dialplan sets to `1` on the caller's leg when it refuses the call by policy (a blocked
   * caller, an outbound call to a blocked or do-not-call number), exported with manager.conf `channelvars`. Default
   * `ZV_BLOCKED` (the reference profile); set '' to disable. Such a call ends with `blocked: true` unless answered.
   */
  blockedVariable?: string;
  /** How many ended linkedids to remember against late events. Default 10000. */
  endedMemory?: number;
}

export const DEFAULT_TRACKER_CONFIG: CallTrackerConfig = {
  trunkChannel: /^(?:PJSIP|SIP|IAX2)\/trunk[^/]*-[0-9a-f]+$/i,
  agentChannel: /^(?:PJSIP|SIP|IAX2|Local)\/(\d{2,6})(?:[-@/;]|$)/,
};

type ChannelRole = 'trunk' | 'agent' | 'other';

export interface TrackedChannel {
  uniqueid: string;
  /** Linkedid Asterisk last reported for this channel. */
  reportedLinkedid: string;
  /** Key (linkedid) of the tracked call the channel belongs to. */
  callKey: string;
  name: string;
  role: ChannelRole;
  agentId?: string;
  callerNum: string;
  callerName: string;
  /** Caller-ID presentation as last reported (see `presentationVariable`). */
  presentation?: string;
  exten: string;
  /** The last extension it was at that is a number (a Gosub moves it to `s`; an outbound refusal needs the number). */
  dialled?: string;
  hungUp: boolean;
  cause?: number;
  /** BridgeUniqueid the channel is in (BridgeEnter/BridgeLeave). */
  bridge?: string;
}

export interface TrackedCall {
  key: string;
  callId: string;
  seq: number;
  direction: CallDirection;
  from: Party;
  to: Party;
  /** Uniqueid of the first channel (the caller side). */
  originUniqueid: string;
  /** Seen on a Newchannel only, whose presentation is not final yet: `call.created` waits for the next event. */
  unannounced?: true;
  /** Uniqueids of channels currently in the call and not hung up. */
  live: string[];
  createdAtMs: number;
  answeredAtMs?: number;
  answered: boolean;
  /**
   * When the PBX itself answered the caller's leg (IVR, echo, voicemail: Newstate Up on the trunk leg) before any
   * operator did. Not reported as call.answered (an operator may still take the call from the queue afterwards).
   */
  pbxAnsweredAtMs?: number;
  held: boolean;
  queue?: string;
  queued: boolean;
  everQueued: boolean;
  queueAbandoned: boolean;
  /** agentId → uniqueid of the ringing leg. */
  ringing: Record<string, string>;
  agentId?: string;
  /** Operator currently connected (answered or took the call after a transfer). */
  connectedAgentId?: string;
  /** Status of the last DialEnd that did not answer. */
  lastDialStatus?: string;
  /** Q.850 cause of the first channel to hang up, and of the first callee leg with a failure cause. */
  firstCause?: number;
  calleeFailureCause?: number;
  /** Cause of the first hang-up after the answer (losing queue members' "answered elsewhere" do not count). */
  causeAfterAnswer?: number;
  /** Legs that rang and stopped without answering; their hang-up causes say nothing about the call. */
  losingLegs: string[];
  /** Signatures of transfers already reported (a repeated AMI event must not report twice). */
  transfers: string[];
  recordingFile?: string;
  /** Recordings the PBX said it closed (MixMonitorStop): the file is complete before the call ends. */
  closedRecordings?: readonly string[];
  /** The dialplan refused the call by policy on its caller's leg (`blockedVariable`). */
  blocked?: true;
  /** Set by resync: the call was not live any more after a reconnect; waiting for its Cdr. */
  pendingCloseSinceMs?: number;
  /** Best unanswered Cdr seen while pending (a call has one Cdr per dialled leg; an ANSWERED one closes at once). */
  pendingCdr?: CdrOutcome;
}

export interface AgentInfo {
  /**
   * Status per device (an operator may have several, e.g. `PJSIP/1001` desk phone and `PJSIP/1001-web` softphone,
   * both queue members); the agent's status is the most engaged of them: busy > ringing > available > offline.
   */
  devices: Readonly<Record<string, AgentStatus>>;
  paused: boolean;
  pauseReason?: string;
  lastEmitted?: string;
}

export interface TrackerState {
  calls: ReadonlyMap<string, TrackedCall>;
  channels: ReadonlyMap<string, TrackedChannel>;
  agents: Readonly<Record<string, AgentInfo>>;
  /**
   * Recently ended linkedids in generations (newest last). Only the newest generation is copied on write, so
   * remembering thousands of ended calls costs O(generation size) per call end, not O(memory).
   */
  ended: readonly Readonly<Record<string, true>>[];
  lastTimestampMs: number;
}

export interface ReduceResult {
  state: TrackerState;
  events: TelephonyEvent[];
}

export function initialTrackerState(): TrackerState {
  return { calls: new Map(), channels: new Map(), agents: {}, ended: [], lastTimestampMs: 0 };
}

/** Keys come from the wire: never let `constructor` or `__proto__` resolve to inherited members. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export const callIdFor = (linkedid: string): string => uuidV5(`ami:${linkedid}`);
export const legIdFor = (uniqueid: string): string => uuidV5(`ami:${uniqueid}`);

/** A fresh generation of remembered ended linkedids: prototype-less, so `__proto__` is stored like any id. */
const generation = (): Record<string, true> => Object.create(null) as Record<string, true>;

/**
 * The working state of one reduction. Copy-on-write by default: nothing reachable from the input state is ever
 * mutated, at the price of copying the calls and channels maps on the first write. `inPlace` writes straight into
 * the input state instead (O(1) per event whatever the number of live calls), for the state's sole owner.
 */
export class Draft {
  /** Current maps: the base state's until the first write, then private copies (or the base's, in place). */
  calls: ReadonlyMap<string, TrackedCall>;
  channels: ReadonlyMap<string, TrackedChannel>;
  agents: Record<string, AgentInfo>;
  ended: Readonly<Record<string, true>>[];
  lastTimestampMs: number;
  readonly events: TelephonyEvent[] = [];
  /** Copy-on-write only: what this reduction already copied. */
  private readonly touchedCalls: Set<string> | undefined;
  private readonly touchedChannels: Set<string> | undefined;
  private endedCopied: boolean;
  private agentsCopied: boolean;
  private callsCopied: boolean;
  private channelsCopied: boolean;

  constructor(
    readonly base: TrackerState,
    readonly config: CallTrackerConfig,
    readonly inPlace = false,
  ) {
    this.calls = base.calls;
    this.channels = base.channels;
    this.agents = base.agents as Record<string, AgentInfo>;
    this.ended = base.ended as Readonly<Record<string, true>>[];
    this.lastTimestampMs = base.lastTimestampMs;
    this.endedCopied = this.agentsCopied = this.callsCopied = this.channelsCopied = inPlace;
    if (!inPlace) {
      this.touchedCalls = new Set();
      this.touchedChannels = new Set();
    }
  }

  private writableCalls(): Map<string, TrackedCall> {
    if (!this.callsCopied) {
      this.calls = new Map(this.calls);
      this.callsCopied = true;
    }
    return this.calls as Map<string, TrackedCall>;
  }

  private writableChannels(): Map<string, TrackedChannel> {
    if (!this.channelsCopied) {
      this.channels = new Map(this.channels);
      this.channelsCopied = true;
    }
    return this.channels as Map<string, TrackedChannel>;
  }

  call(key: string): TrackedCall | undefined {
    const c = this.calls.get(key);
    if (!c || !this.touchedCalls || this.touchedCalls.has(key)) return c;
    const copy: TrackedCall = {
      ...c,
      live: [...c.live],
      ringing: { ...c.ringing },
      losingLegs: [...c.losingLegs],
      transfers: [...c.transfers],
    };
    this.writableCalls().set(key, copy);
    this.touchedCalls.add(key);
    return copy;
  }

  /** Read without copying (for lookups that do not modify). */
  peekChannel(uniqueid: string): TrackedChannel | undefined {
    return this.channels.get(uniqueid);
  }

  peekCall(key: string): TrackedCall | undefined {
    return this.calls.get(key);
  }

  addCall(call: TrackedCall): void {
    this.writableCalls().set(call.key, call);
    this.touchedCalls?.add(call.key);
  }

  channel(uniqueid: string): TrackedChannel | undefined {
    const ch = this.channels.get(uniqueid);
    if (!ch || !this.touchedChannels || this.touchedChannels.has(uniqueid)) return ch;
    const copy = { ...ch };
    this.writableChannels().set(uniqueid, copy);
    this.touchedChannels.add(uniqueid);
    return copy;
  }

  addChannel(ch: TrackedChannel): void {
    this.writableChannels().set(ch.uniqueid, ch);
    this.touchedChannels?.add(ch.uniqueid);
  }

  agent(agentId: string): AgentInfo {
    if (!this.agentsCopied) {
      this.agents = { ...this.agents };
      this.agentsCopied = true;
    }
    const existing = own(this.agents, agentId);
    if (existing && this.inPlace) return existing;
    const copy: AgentInfo = existing ? { ...existing } : { devices: {}, paused: false };
    this.agents[agentId] = copy;
    return copy;
  }

  isEnded(key: string): boolean {
    return this.ended.some((generation) => own(generation, key) === true);
  }

  markEnded(key: string): void {
    const limit = this.config.endedMemory ?? 10_000;
    const generationSize = Math.max(1, Math.min(512, Math.ceil(limit / 8)));
    if (!this.endedCopied) {
      this.ended = [...this.ended];
      this.endedCopied = true;
    }
    const last = this.ended.at(-1);
    const lastSize = last ? Object.keys(last).length : generationSize;
    if (last && lastSize < generationSize) {
      const next = this.inPlace ? (last as Record<string, true>) : Object.assign(generation(), last);
      next[key] = true;
      this.ended[this.ended.length - 1] = next;
    } else {
      const next = generation();
      next[key] = true;
      this.ended.push(next);
    }
    // Every generation but the newest is full: forget the oldest while the others still cover `limit`.
    const newest = last && lastSize < generationSize ? lastSize + 1 : 1;
    while (this.ended.length > 1 && (this.ended.length - 2) * generationSize + newest >= limit) this.ended.shift();
    this.writableCalls().delete(key);
    const channels = this.writableChannels();
    for (const [uid, ch] of channels) if (ch.callKey === key) channels.delete(uid);
  }

  finish(): ReduceResult {
    return {
      state: {
        calls: this.calls,
        channels: this.channels,
        agents: this.agents,
        ended: this.ended,
        lastTimestampMs: this.lastTimestampMs,
      },
      events: this.events,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------

interface Snapshot {
  name: string;
  uniqueid: string;
  linkedid: string;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  exten: string;
  presentation?: string;
}

const SNAPSHOT_PREFIXES = [
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
const CHANNEL_EVENTS = new Set([
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

function snapshot(
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

function parseTimestamp(ev: AmiEvent): number | undefined {
  const raw = ev.fields.timestamp;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

function roleOf(name: string, config: CallTrackerConfig): { role: ChannelRole; agentId?: string } {
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

const isDialTarget = (exten: string) => /^\+?[\d*#]{2,}$/.test(exten);
const EMPTY_PARTY: Party = { raw: '', e164: null, extension: null, name: null, anonymous: false };

// ---------------------------------------------------------------------------------------------------------------

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
    ch = {
      uniqueid: snap.uniqueid,
      reportedLinkedid: snap.linkedid,
      callKey: snap.linkedid,
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
    const call = d.call(snap.linkedid);
    if (call) {
      call.live.push(ch.uniqueid);
    } else {
      this.createCall(ch, snap, provisional && snap.presentation !== undefined);
    }
    return ch;
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
    if (ch.agentId && !target.agentId && target.answered) target.agentId = ch.agentId;
    if (old) {
      old.live = old.live.filter((u) => u !== ch.uniqueid);
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
    const losing = call.losingLegs.includes(ch.uniqueid);
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

// ---------------------------------------------------------------------------------------------------------------

const DEVICE_STATUS: Record<string, AgentStatus> = {
  '0': 'offline',
  '1': 'available',
  '2': 'busy',
  '3': 'busy',
  '4': 'offline',
  '5': 'offline',
  '6': 'ringing',
  '7': 'ringing',
  '8': 'busy',
  UNKNOWN: 'offline',
  NOT_INUSE: 'available',
  INUSE: 'busy',
  BUSY: 'busy',
  INVALID: 'offline',
  UNAVAILABLE: 'offline',
  RINGING: 'ringing',
  RINGINUSE: 'ringing',
  ONHOLD: 'busy',
};

const STATUS_RANK: Record<AgentStatus, number> = { busy: 4, ringing: 3, available: 2, paused: 1, offline: 0 };

function aggregate(devices: Readonly<Record<string, AgentStatus>>): AgentStatus {
  let best: AgentStatus = 'offline';
  for (const s of Object.values(devices)) if (STATUS_RANK[s] > STATUS_RANK[best]) best = s;
  return best;
}

interface AgentUpdate {
  device?: { id: string; status: AgentStatus };
  paused?: boolean;
  pauseReason?: string;
}

function agentEvent(r: Reducer, agentId: string, update: AgentUpdate, queue?: string): void {
  const a = r.d.agent(agentId);
  if (update.device) a.devices = { ...a.devices, [update.device.id]: update.device.status };
  if (update.paused !== undefined) a.paused = update.paused;
  if (update.pauseReason !== undefined) a.pauseReason = update.pauseReason;
  if (!a.paused) delete a.pauseReason;
  const status: AgentStatus = a.paused ? 'paused' : aggregate(a.devices);
  const signature = `${status}|${a.pauseReason ?? ''}`;
  if (signature === a.lastEmitted) return;
  a.lastEmitted = signature;
  const ev: AgentStateEvent = {
    type: 'agent.state',
    agentId,
    status,
    ...(queue ? { queue } : {}),
    ...(a.pauseReason ? { pauseReason: a.pauseReason } : {}),
    occurredAt: new Date(r.now).toISOString(),
    source: 'ami',
  };
  r.d.events.push(ev);
}

const truthy = (v: string | undefined) => v === '1' || v?.toLowerCase() === 'true' || v?.toLowerCase() === 'yes';

function handleAgentEvents(r: Reducer, name: string, ev: AmiEvent): boolean {
  const f = ev.fields;
  switch (name) {
    case 'queuememberstatus':
    case 'queuememberadded': {
      const agentId =
        agentFromInterface(f.stateinterface ?? f.interface, r.config) ?? agentFromInterface(f.membername, r.config);
      if (!agentId) return true;
      const deviceStatus = own(DEVICE_STATUS, f.status ?? '') ?? 'available';
      const paused = truthy(f.paused);
      const reason = f.pausedreason || f.reason;
      const device = {
        id: f.stateinterface ?? f.interface ?? f.location ?? agentId,
        status: deviceStatus,
      };
      agentEvent(r, agentId, { device, paused, ...(paused && reason ? { pauseReason: reason } : {}) }, f.queue);
      return true;
    }
    case 'queuememberpause':
    case 'queuememberpaused': {
      const agentId =
        agentFromInterface(f.stateinterface ?? f.interface, r.config) ?? agentFromInterface(f.membername, r.config);
      if (!agentId) return true;
      const paused = truthy(f.paused);
      const reason = f.pausedreason || f.reason;
      agentEvent(r, agentId, { paused, ...(paused && reason ? { pauseReason: reason } : {}) }, f.queue);
      return true;
    }
    case 'devicestatechange': {
      const agentId = agentFromInterface(f.device, r.config);
      if (!agentId || f.device?.startsWith('Queue:')) return true;
      const deviceStatus = own(DEVICE_STATUS, f.state ?? '');
      if (deviceStatus && f.device) agentEvent(r, agentId, { device: { id: f.device, status: deviceStatus } });
      return true;
    }
    default:
      return false;
  }
}

const RECORDING_VARIABLE = 'MIXMONITOR_FILENAME';
const BLOCKED_VARIABLE = 'ZV_BLOCKED';

/**
 * The frames the tracker has no use for, told apart before they are parsed into messages: VarSet of any variable
 * but the recording, blocked and direction ones. Asterisk sends one per variable the dialplan and the queue set,
 * over half of a queue call's events; the channel state they carry comes with the channel's other events too
 * (call-tracker.fixtures.spec replays every recorded trace with and without them).
 */
export function ignoredFrames(config: CallTrackerConfig): (frame: AmiFrame) => boolean {
  const wanted = new Set([RECORDING_VARIABLE, config.blockedVariable ?? BLOCKED_VARIABLE]);
  wanted.add(config.directionVariable ?? 'ZV_DIRECTION');
  return ({ headers }) => {
    const first = headers[0];
    // Asterisk writes `Event:` first; anything else is kept and left to the tracker.
    if (!first || first[1] !== 'VarSet' || first[0].toLowerCase() !== 'event') return false;
    for (const [key, value] of headers) if (key.toLowerCase() === 'variable') return !wanted.has(value);
    return false;
  };
}

/** Pure: folds one AMI event into the tracker state. Unknown events and unknown channels change nothing. */
export function reduceAmiEvent(state: TrackerState, ev: AmiEvent, config: CallTrackerConfig): ReduceResult {
  return reduce(new Reducer(state, config, parseTimestamp(ev)), ev);
}

/**
 * The same reduction written straight into `state` (its maps and records), for the state's sole owner (the
 * provider): no copy of the calls and channels maps per event. `state` must not be used afterwards; use the
 * returned one (it shares the mutated maps).
 */
export function reduceAmiEventInPlace(state: TrackerState, ev: AmiEvent, config: CallTrackerConfig): ReduceResult {
  return reduce(new Reducer(state, config, parseTimestamp(ev), true), ev);
}

function reduce(r: Reducer, ev: AmiEvent): ReduceResult {
  const { config } = r;
  const name = ev.event.toLowerCase();
  const f = ev.fields;
  if (handleAgentEvents(r, name, ev)) return r.d.finish();
  if (name === 'cdr') {
    closeFromCdr(r, ev);
    return r.d.finish();
  }
  if (name === 'rename') {
    const ch = f.uniqueid ? r.d.channel(f.uniqueid) : undefined;
    const newName = f.newname;
    if (ch && newName) Object.assign(ch, { name: newName }, roleOf(newName, config));
    return r.d.finish();
  }
  if (!CHANNEL_EVENTS.has(name)) return r.d.finish();

  const isHangup = name === 'hangup' || name === 'hanguprequest' || name === 'softhanguprequest';
  const presentationVariable = config.presentationVariable ?? PRESENTATION_VARIABLE;
  const seen: Partial<Record<(typeof SNAPSHOT_PREFIXES)[number], TrackedChannel>> = {};
  for (const prefix of SNAPSHOT_PREFIXES) {
    const snap = snapshot(ev, prefix, presentationVariable);
    if (!snap) continue;
    const ch = r.observe(snap, !isHangup, name === 'newchannel');
    if (ch) seen[prefix] = ch;
  }
  for (const ch of Object.values(seen)) {
    const call = r.d.peekCall(ch.callKey);
    if (call?.unannounced && !r.provisional.has(call.key)) r.announce(r.d.call(call.key)!);
  }
  const main = seen[''];
  const dest = seen.dest;

  const directionVar = config.directionVariable ?? 'ZV_DIRECTION';
  const hinted = directionVar ? ev.variables['']?.[directionVar] : undefined;
  if (main && (hinted === 'inbound' || hinted === 'outbound' || hinted === 'internal')) {
    const peek = r.d.peekCall(main.callKey);
    if (peek && !peek.answered && peek.originUniqueid === main.uniqueid && peek.direction !== hinted) {
      const call = r.callOf(main);
      if (call) call.direction = hinted;
    }
  }
  const blockedVar = config.blockedVariable ?? BLOCKED_VARIABLE;
  const refused =
    blockedVar !== '' &&
    (ev.variables['']?.[blockedVar] === '1' || (name === 'varset' && f.variable === blockedVar && f.value === '1'));
  if (main && refused) {
    const peek = r.d.peekCall(main.callKey);
    if (peek && !peek.blocked && peek.originUniqueid === main.uniqueid) {
      const call = r.callOf(main);
      if (call) {
        call.blocked = true;
        // An outbound call refused before it dialled: the number it was for is only in the dialplan's exten.
        if (!call.to.raw && main.role !== 'trunk' && main.dialled) call.to = r.party(main.dialled);
      }
    }
  }
  for (const [prefix, vars] of Object.entries(ev.variables)) {
    const file = vars[RECORDING_VARIABLE];
    const ch = prefix === '' ? main : prefix === 'dest' ? dest : undefined;
    if (!file || !ch || r.d.peekCall(ch.callKey)?.recordingFile) continue;
    const call = r.callOf(ch);
    if (call) call.recordingFile = file;
  }

  switch (name) {
    case 'varset': {
      if (f.variable !== RECORDING_VARIABLE || !f.value) break;
      const call = r.callOf(main);
      if (call) call.recordingFile = f.value;
      break;
    }
    case 'mixmonitorstop': {
      // Published by StopMixMonitor once the file is closed (the reference dialplan runs it as the recorded
      // channel's hangup handler); a MixMonitor that simply ends with its channel says nothing over AMI.
      const call = r.callOf(main);
      const file = own(ev.variables[''] ?? {}, RECORDING_VARIABLE) ?? call?.recordingFile;
      if (call && file && !call.closedRecordings?.includes(file)) {
        call.closedRecordings = [...(call.closedRecordings ?? []), file];
      }
      break;
    }
    case 'newstate': {
      // Only the carrier's leg: an originating operator's own leg goes Up before the far end is even dialled.
      const call = r.callOf(main);
      if (call && main && !call.answered && f.channelstate === '6' && main.uniqueid === call.originUniqueid) {
        if (main.role === 'trunk') call.pbxAnsweredAtMs ??= r.now;
      }
      break;
    }
    case 'hangup': {
      if (main) {
        const cause = f.cause !== undefined && f.cause !== '' ? Number(f.cause) : undefined;
        r.hangup(main, cause !== undefined && Number.isFinite(cause) ? cause : undefined);
      }
      break;
    }
    case 'queuecallerjoin': {
      const call = r.callOf(main);
      if (call && !call.answered) {
        call.queued = true;
        call.everQueued = true;
        if (f.queue) call.queue = f.queue;
      }
      break;
    }
    case 'queuecallerleave': {
      const call = r.callOf(main);
      if (call) call.queued = false;
      break;
    }
    case 'queuecallerabandon': {
      const call = r.callOf(main);
      if (call && !call.answered) {
        call.queueAbandoned = true;
        call.everQueued = true;
        if (f.queue && !call.queue) call.queue = f.queue;
      }
      break;
    }
    case 'dialbegin':
    case 'agentcalled': {
      const call = r.callOf(dest ?? main);
      if (!call || !dest) break;
      if (main && main.uniqueid === call.originUniqueid) refineDirection(r, call, main, dest, f.dialstring);
      const agentId =
        name === 'agentcalled'
          ? (agentFromInterface(f.interface, config) ?? dest.agentId ?? agentFromInterface(f.membername, config))
          : dest.agentId;
      if (agentId && f.queue && !call.queue) call.queue = f.queue;
      if (agentId) r.startRinging(call, agentId, dest.uniqueid);
      break;
    }
    case 'dialend': {
      const call = r.callOf(dest ?? main);
      if (!call || !dest) break;
      const status = (f.dialstatus ?? '').toUpperCase();
      if (status === 'ANSWER') {
        if (dest.uniqueid === call.originUniqueid) {
          // Originate: the operator picked up their own leg; the call is answered when the far end does.
          if (dest.agentId) r.stopRinging(call, dest.agentId);
        } else if (!call.answered || (main && customerLeg(r, call)?.uniqueid === main.uniqueid)) {
          const agentId = dest.agentId ?? main?.agentId ?? r.d.peekChannel(call.originUniqueid)?.agentId;
          r.answer(call, agentId, dest.uniqueid);
        } else if (dest.agentId) {
          // An operator's consultation call was answered: the customer is not talking to that operator (yet).
          r.stopRinging(call, dest.agentId);
        }
      } else if (status && status !== 'PROGRESS' && status !== 'RINGING' && status !== 'PROCEEDING') {
        if (!call.answered && main) call.lastDialStatus = status;
        if (dest.agentId) r.stopRinging(call, dest.agentId);
      }
      break;
    }
    case 'agentringnoanswer': {
      const call = r.callOf(dest ?? main);
      const agentId = agentFromInterface(f.interface, config) ?? dest?.agentId;
      if (call && agentId) r.stopRinging(call, agentId);
      break;
    }
    case 'agentconnect': {
      const call = r.callOf(main ?? dest);
      const agentId = agentFromInterface(f.interface, config) ?? dest?.agentId;
      if (call) r.answer(call, agentId, dest?.uniqueid ?? main?.uniqueid ?? call.originUniqueid);
      break;
    }
    case 'bridgeenter':
      onBridgeEnter(r, ev, main);
      break;
    case 'bridgeleave':
      onBridgeLeave(r, ev, main);
      break;
    case 'hold':
    case 'unhold': {
      const call = r.callOf(main);
      if (!call) break;
      const held = name === 'hold';
      if (call.held !== held) {
        call.held = held;
        r.emit(call, main?.uniqueid ?? call.originUniqueid, { type: held ? 'call.held' : 'call.resumed' });
      }
      break;
    }
    case 'blindtransfer':
      onBlindTransfer(r, ev, seen);
      break;
    case 'attendedtransfer':
      onAttendedTransfer(r, ev, seen);
      break;
    default:
      break;
  }
  return r.d.finish();
}

function refineDirection(
  r: Reducer,
  call: TrackedCall,
  caller: TrackedChannel,
  dest: TrackedChannel,
  dialString: string | undefined,
): void {
  if (call.answered || call.direction === 'inbound' || caller.role === 'trunk') return;
  if (dest.role === 'trunk') {
    const dialled = [caller.exten, dialString?.split('@')[0]?.split('/').pop() ?? '', dest.callerNum].find(
      (x) => x && isDialTarget(x),
    );
    call.direction = 'outbound';
    if (dialled && call.to.raw !== dialled) call.to = r.party(dialled);
  } else if (dest.role === 'agent' && dest.agentId) {
    call.direction = 'internal';
    if (!call.to.raw) call.to = r.party(dest.agentId);
  }
}

/**
 * BridgeEnter with BridgeNumChannels ≥ 2 means two parties are talking. Used as the answer signal when no
 * DialEnd/AgentConnect told us (e.g. pickup, Bridge() in dialplan); idempotent with them.
 */
/** The leg of the outside party: the caller, or for an operator's own call the carrier leg. */
function customerLeg(r: Reducer, call: TrackedCall): TrackedChannel | undefined {
  const origin = r.d.peekChannel(call.originUniqueid);
  if (origin && origin.role !== 'agent' && !origin.hungUp) return origin;
  for (const c of r.d.channels.values()) if (c.callKey === call.key && !c.hungUp && c.role === 'trunk') return c;
  return origin && !origin.hungUp ? origin : undefined;
}

/**
 * BridgeEnter of a second party means two parties talk. Before the answer it is the answer signal when no
 * DialEnd/AgentConnect told us (pickup, Bridge()); after it, an operator joining the customer's bridge (attended
 * transfer completed, queue re-entry) becomes the call's operator — a consultation bridge without the customer
 * changes nothing.
 */
function onBridgeEnter(r: Reducer, ev: AmiEvent, main: TrackedChannel | undefined): void {
  const call = r.callOf(main);
  if (!call || !main) return;
  const bridgeId = ev.fields.bridgeuniqueid;
  if (bridgeId) {
    const ch = r.d.channel(main.uniqueid);
    if (ch) ch.bridge = bridgeId;
  }
  const count = Number(ev.fields.bridgenumchannels ?? '0');
  const bridgeType = (ev.fields.bridgetype ?? '').toLowerCase();
  if (count < 2 || bridgeType === 'holding' || bridgeType === 'parking') return;
  if (!call.answered) {
    // Two parties now talk: the operator is a live agent leg other than the caller's, else the caller itself.
    const agentLeg = [...r.d.channels.values()].find(
      (c) => c.callKey === call.key && !c.hungUp && c.uniqueid !== call.originUniqueid && c.role === 'agent',
    );
    const agentId = agentLeg?.agentId ?? r.d.peekChannel(call.originUniqueid)?.agentId;
    r.answer(call, agentId, agentLeg?.uniqueid ?? main.uniqueid);
    return;
  }
  if (!bridgeId) return;
  const members = [...r.d.channels.values()].filter((c) => c.bridge === bridgeId && !c.hungUp);
  const customer = customerLeg(r, call);
  if (!customer || !members.some((c) => c.uniqueid === customer.uniqueid)) return;
  // Prefer the operator who just entered; otherwise one who is not already the call's operator.
  const agents = members.filter((c) => c.role === 'agent' && c.agentId && c.uniqueid !== customer.uniqueid);
  const agentLeg =
    agents.find((c) => c.uniqueid === main.uniqueid) ?? agents.find((c) => c.agentId !== call.connectedAgentId);
  if (agentLeg?.agentId && agentLeg.agentId !== call.connectedAgentId) {
    r.answer(call, agentLeg.agentId, agentLeg.uniqueid);
  }
}

function onBridgeLeave(r: Reducer, ev: AmiEvent, main: TrackedChannel | undefined): void {
  if (!main || main.bridge === undefined || main.bridge !== ev.fields.bridgeuniqueid) return;
  const ch = r.d.channel(main.uniqueid);
  if (ch) delete ch.bridge;
}

type Seen = Partial<Record<(typeof SNAPSHOT_PREFIXES)[number], TrackedChannel>>;

function onBlindTransfer(r: Reducer, ev: AmiEvent, seen: Seen): void {
  if ((ev.fields.result ?? '').toLowerCase() !== 'success') return;
  const transferee = seen.transferee;
  const transferer = seen.transferer;
  const call = r.callOf(transferee ?? transferer);
  if (!call) return;
  const signature = `blind|${transferer?.uniqueid ?? ''}|${transferee?.uniqueid ?? ''}|${ev.fields.extension ?? ''}`;
  if (call.transfers.includes(signature)) return;
  call.transfers.push(signature);
  const fromAgentId = transferer?.agentId ?? call.agentId;
  const target = agentFromInterface(ev.fields.extension, r.config);
  if (target) call.agentId = target;
  r.emit(call, transferee?.uniqueid ?? call.originUniqueid, {
    type: 'call.transferred',
    kind: 'blind',
    ...(fromAgentId ? { fromAgentId } : {}),
    ...(target ? { agentId: target } : {}),
  });
}

/**
 * Asterisk 22 publishes AttendedTransfer after it has moved the target into the customer's bridge, so for an
 * attended transfer `call.bridged` (target now talks to the customer) comes just before `call.transferred`.
 */
function onAttendedTransfer(r: Reducer, ev: AmiEvent, seen: Seen): void {
  if ((ev.fields.result ?? '').toLowerCase() !== 'success') return;
  const transferee = seen.transferee;
  const call = r.callOf(transferee ?? seen.origtransferer);
  if (!call) return;
  const signature = `attended|${seen.origtransferer?.uniqueid ?? ''}|${seen.secondtransferer?.uniqueid ?? ''}`;
  if (call.transfers.includes(signature)) return;
  call.transfers.push(signature);
  const fromAgentId = seen.origtransferer?.agentId ?? call.agentId;
  const targetAgent = seen.transfertarget?.agentId;
  if (targetAgent) call.agentId = targetAgent;
  r.emit(call, transferee?.uniqueid ?? call.originUniqueid, {
    type: 'call.transferred',
    kind: 'attended',
    ...(fromAgentId ? { fromAgentId } : {}),
    ...(targetAgent ? { agentId: targetAgent } : {}),
  });
}

const CDR_CAUSE: Record<string, HangupCause> = {
  ANSWERED: 'normal-clearing',
  'NO ANSWER': 'no-answer',
  NOANSWER: 'no-answer',
  BUSY: 'busy',
  CONGESTION: 'congestion',
  FAILED: 'failed',
};

/**
 * cdr_manager `Event: Cdr` (with a `LinkedID` mapping in cdr_manager.conf) closes a call that resync found gone.
 * Asterisk writes one Cdr per dialled leg (a queue call: NO ANSWER for each member that rang, ANSWERED for the one
 * who took it), so an ANSWERED record closes the call at once and unanswered ones are kept until the grace period
 * ends (`expirePendingCalls`). Live calls are closed by their Hangup events, so a Cdr for them is ignored.
 */
function closeFromCdr(r: Reducer, ev: AmiEvent): void {
  const f = ev.fields;
  const key = f.linkedid ?? (f.uniqueid ? r.d.peekChannel(f.uniqueid)?.callKey : undefined);
  if (!key) return;
  const peek = r.d.peekCall(key);
  if (!peek || peek.pendingCloseSinceMs === undefined) return;
  const call = r.d.call(key);
  if (!call) return;
  const disposition = (f.disposition ?? '').toUpperCase();
  const duration = Number(f.duration ?? '0');
  const billable = Number(f.billableseconds ?? '0');
  const outcome: CdrOutcome = {
    cause: own(CDR_CAUSE, disposition) ?? 'failed',
    rawCause: disposition || 'UNKNOWN',
    answered: disposition === 'ANSWERED',
    durationSeconds: Number.isFinite(duration) ? duration : 0,
    billableSeconds: Number.isFinite(billable) ? billable : 0,
  };
  if (outcome.answered) {
    const agentId = roleOf(f.destinationchannel ?? '', r.config).agentId;
    if (agentId) call.agentId = agentId;
    r.endCall(call, '', outcome);
    return;
  }
  const best = call.pendingCdr;
  if (!best || outcome.durationSeconds > best.durationSeconds) call.pendingCdr = outcome;
}

/** Folds many events; convenient for fixtures and tests. */
export function reduceAll(state: TrackerState, events: readonly AmiEvent[], config: CallTrackerConfig): ReduceResult {
  let s = state;
  const out: TelephonyEvent[] = [];
  for (const ev of events) {
    const res = reduceAmiEvent(s, ev, config);
    s = res.state;
    out.push(...res.events);
  }
  return { state: s, events: out };
}
