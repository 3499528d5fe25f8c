import type { AgentStatus, Party, TelephonyEvent } from '@telephony/model/call-event';
import type { CallDirection } from '@telephony/model/call-status';
import { timeOrderedId, uuidV5 } from '@telephony/model/stable-id';
import type { NormalizeOptions } from '@telephony/phone/normalize-phone';
import type { CdrOutcome } from '@telephony/ami/tracker/tracker-reducer';

/** The call tracker's state (calls, channels, agents, ended linkedids) and the draft one reduction writes into. */

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

export type ChannelRole = 'trunk' | 'agent' | 'other';

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
  /**
   * Uniqueids of every channel that joined the call, hung up or not: what the call's end forgets, and where its legs
   * are looked up, without going through the channels of every other call in progress.
   */
  legs: string[];
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
  /** Linkedids of operators' consultation calls folded into this one (see `TrackerState.consultations`). */
  consultations?: readonly string[];
  /** Set by resync: the call was not live any more after a reconnect; waiting for its Cdr. */
  pendingCloseSinceMs?: number;
  /** Best unanswered Cdr seen while pending (a call has one Cdr per dialled leg; an ANSWERED one closes at once). */
  pendingCdr?: CdrOutcome;
}

export interface MemberPause {
  paused: boolean;
  reason?: string;
}

export interface AgentInfo {
  /**
   * Status per device (an operator may have several, e.g. `PJSIP/1001` desk phone and `PJSIP/1001-web` softphone,
   * both queue members); the agent's status is the most engaged of them: busy > ringing > available > offline.
   */
  devices: Readonly<Record<string, AgentStatus>>;
  /**
   * The pause of each of the operator's queue members (`<queue>|<interface>`): Asterisk pauses members one by one, so
   * the operator's pause is derived from all of them, not from whichever member was reported last.
   */
  members: Readonly<Record<string, MemberPause>>;
  /** The reason of the latest member pause reported: the operator's reason once every member is paused. */
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
  /**
   * Linkedid of an operator's consultation call → key of the customer's call it was folded into. A phone's own
   * consultation gets a linkedid of its own from Asterisk; its channels belong to the customer's call.
   */
  consultations: ReadonlyMap<string, string>;
  /** BridgeUniqueid → uniqueids of the channels in it (those whose `bridge` it is), in the order they entered. */
  bridges: ReadonlyMap<string, readonly string[]>;
  lastTimestampMs: number;
}

export interface ReduceResult {
  state: TrackerState;
  events: TelephonyEvent[];
}

export function initialTrackerState(): TrackerState {
  return {
    calls: new Map(),
    channels: new Map(),
    agents: {},
    ended: [],
    consultations: new Map(),
    bridges: new Map(),
    lastTimestampMs: 0,
  };
}

/** Keys come from the wire: never let `constructor` or `__proto__` resolve to inherited members. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Our id of an AMI call. Asterisk's linkedid is `[<systemname>-]<epoch seconds>.<sequence>`, stamped when the
 * call's first channel was made, so its time is the call's start on every node and after every restart: the id is
 * time-ordered on it (see `timeOrderedId`). A linkedid of another shape keeps the version-5 id it always had.
 */
export const callIdFor = (linkedid: string): string => {
  const seconds = /(?:^|-)(\d{1,11})\.\d+$/.exec(linkedid)?.[1];
  return seconds === undefined ? uuidV5(`ami:${linkedid}`) : timeOrderedId(`ami:${linkedid}`, Number(seconds) * 1000);
};
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
  consultations: ReadonlyMap<string, string>;
  bridges: ReadonlyMap<string, readonly string[]>;
  lastTimestampMs: number;
  readonly events: TelephonyEvent[] = [];
  /** Copy-on-write only: what this reduction already copied. */
  private readonly touchedCalls: Set<string> | undefined;
  private readonly touchedChannels: Set<string> | undefined;
  private endedCopied: boolean;
  private agentsCopied: boolean;
  private callsCopied: boolean;
  private channelsCopied: boolean;
  private consultationsCopied: boolean;
  private bridgesCopied: boolean;

  constructor(
    readonly base: TrackerState,
    readonly config: CallTrackerConfig,
    readonly inPlace = false,
  ) {
    this.calls = base.calls;
    this.channels = base.channels;
    this.agents = base.agents as Record<string, AgentInfo>;
    this.ended = base.ended as Readonly<Record<string, true>>[];
    this.consultations = base.consultations;
    this.bridges = base.bridges;
    this.lastTimestampMs = base.lastTimestampMs;
    this.endedCopied = this.agentsCopied = this.callsCopied = this.channelsCopied = this.consultationsCopied = inPlace;
    this.bridgesCopied = inPlace;
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

  private writableConsultations(): Map<string, string> {
    if (!this.consultationsCopied) {
      this.consultations = new Map(this.consultations);
      this.consultationsCopied = true;
    }
    return this.consultations as Map<string, string>;
  }

  private writableBridges(): Map<string, readonly string[]> {
    if (!this.bridgesCopied) {
      this.bridges = new Map(this.bridges);
      this.bridgesCopied = true;
    }
    return this.bridges as Map<string, readonly string[]>;
  }

  call(key: string): TrackedCall | undefined {
    const c = this.calls.get(key);
    if (!c || !this.touchedCalls || this.touchedCalls.has(key)) return c;
    const copy: TrackedCall = {
      ...c,
      live: [...c.live],
      legs: [...c.legs],
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
    const copy: AgentInfo = existing ? { ...existing } : { devices: {}, members: {} };
    this.agents[agentId] = copy;
    return copy;
  }

  /** Folds the consultation call `linkedid` into the call `key`, which lists it so that its end forgets the fold. */
  foldConsultation(linkedid: string, key: string): void {
    this.writableConsultations().set(linkedid, key);
    const call = this.call(key);
    if (call) call.consultations = [...(call.consultations ?? []), linkedid];
  }

  isEnded(key: string): boolean {
    return this.ended.some((generation) => own(generation, key) === true);
  }

  markEnded(key: string): void {
    // A folded consultation ends with its call: a late event of its linkedid must not start a call of its own.
    for (const linkedid of this.calls.get(key)?.consultations ?? []) {
      this.writableConsultations().delete(linkedid);
      this.remember(linkedid);
    }
    const legs = this.calls.get(key)?.legs ?? [];
    this.remember(key);
    this.writableCalls().delete(key);
    const channels = this.writableChannels();
    for (const uid of legs) {
      const ch = channels.get(uid);
      if (ch?.callKey !== key) continue;
      if (ch.bridge !== undefined) this.unlist(ch.bridge, uid);
      channels.delete(uid);
    }
  }

  /** The channel entered bridge `bridgeId` (and so left any other it was in). */
  enterBridge(uniqueid: string, bridgeId: string): void {
    const ch = this.channel(uniqueid);
    if (!ch || ch.bridge === bridgeId) return;
    if (ch.bridge !== undefined) this.unlist(ch.bridge, uniqueid);
    this.writableBridges().set(bridgeId, [...(this.bridges.get(bridgeId) ?? []), uniqueid]);
    ch.bridge = bridgeId;
  }

  leaveBridge(uniqueid: string): void {
    const ch = this.channel(uniqueid);
    if (ch?.bridge === undefined) return;
    this.unlist(ch.bridge, uniqueid);
    delete ch.bridge;
  }

  /** The channels in bridge `bridgeId` that have not hung up, in the order they entered. */
  bridgeMembers(bridgeId: string): TrackedChannel[] {
    return (this.bridges.get(bridgeId) ?? []).flatMap((uid) => {
      const ch = this.channels.get(uid);
      return ch && !ch.hungUp ? [ch] : [];
    });
  }

  private unlist(bridgeId: string, uniqueid: string): void {
    const rest = (this.bridges.get(bridgeId) ?? []).filter((u) => u !== uniqueid);
    if (rest.length > 0) this.writableBridges().set(bridgeId, rest);
    else this.writableBridges().delete(bridgeId);
  }

  private remember(key: string): void {
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
  }

  finish(): ReduceResult {
    return {
      state: {
        calls: this.calls,
        channels: this.channels,
        agents: this.agents,
        ended: this.ended,
        consultations: this.consultations,
        bridges: this.bridges,
        lastTimestampMs: this.lastTimestampMs,
      },
      events: this.events,
    };
  }
}
