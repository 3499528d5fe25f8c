import { type Logger } from 'pino';

import { type CallEvent, TELEPHONY_ID_NAMESPACE, uuidV5 } from '@telephony';
import { type CallEventBus, type Delivery, type PartitionOwner } from '@server/common/bus/call-event-bus';
import { type CallChange, type CallerLink, type CallReaction } from '@server/common/calls/call-change';
import { applyCallEvent, type CallFold, foldCall, type CallProjection } from '@server/common/calls/call-projection';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { type LeadsService } from '@server/modules/leads/leads.service';
import { callRoom, roleRoom, userRoom, type Realtime } from '@server/modules/realtime/realtime.types';

import { type CallCardReadModel } from './call-card.read-model';
import { type CallStore, isConnectionError, type PopRow } from './call-store';
import { toLiveCall } from './live-call.mapper';

export interface CallPipelineMetrics {
  /** Seconds from the PBX's event to the card's emit. */
  observePop(seconds: number): void;
}

export interface CallPipelineDeps {
  bus: CallEventBus;
  store: CallStore;
  cards: CallCardReadModel;
  leads: Pick<LeadsService, 'ensureOpenLeadForCall'>;
  realtime: Pick<Realtime, 'emitTo' | 'joinUserToCall'>;
  /** Run after each event is stored, in call order. */
  reactions: CallReaction[];
  defaultCountry: string;
  logger: Logger;
  metrics?: CallPipelineMetrics;
  /** How long an ended call stays in memory for late events (its recording arrives after the end). */
  retainEndedMs?: number;
}

/** A call this node owns: its fold, link and cards in memory, and the two lanes its events go through in order. */
interface OwnedCall {
  partition: number;
  /** Undefined until the first event is decided (a fresh call) or the store was read (a call taken over). */
  fold: CallFold | null;
  link: CallerLink | null;
  /**
   * The number a campaign dials through the operator whose phone rings first (null: none; undefined: not asked yet),
   * until the PBX names it (CallCardReadModel.campaignDialOf).
   */
  dialling?: string | null;
  operatorId: string | null;
  popped: Set<string>;
  loaded: boolean;
  /** Read from the store with events already in it (see CallChange.takenOver). */
  takenOver: boolean;
  /** Deciding: one event at a time, fast, ends with the emits. */
  decided: Promise<void>;
  /** Settling: waits for the event's write, runs the reactions, acks. */
  settled: Promise<void>;
  touchedAt: number;
}

/** Live screens (wallboard, supervision) follow every call. */
const LIVE_ROOMS = [roleRoom('supervisor'), roleRoom('manager')];
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];
const OPEN_CALL_MAX_AGE_MS = 12 * 3_600_000;

/**
 * The call pipeline: the one consumer of a call's events, from the partition that holds them.
 *
 * Each event is decided once, here: applied to the call's fold in memory (O(1)), its caller linked once per call
 * (a contact, or the number's one open lead), and its screens told: the card pops for whoever the ringing phone
 * belongs to. The emit goes out as soon as the decision is made; the event, the call's row and the pop are then
 * written in batches (CallStore), and once they are committed the reactions run and the event is acked. A node
 * that takes a call over (another died, partitions moved, a restart) rebuilds it from the store first.
 *
 * Exactly-once is the database's: one open lead per number (`uq_leads_open_phone`), one card per call and user
 * after a takeover (`call_pops`, read back on takeover), each event stored once (`call_events`).
 */
export class CallPipeline implements PartitionOwner {
  private readonly calls = new Map<string, OwnedCall>();
  private readonly sweeper: NodeJS.Timeout;
  private started = false;

  constructor(private readonly deps: CallPipelineDeps) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.deps.bus.consume(this);
  }

  /** Gives every partition up (the events in hand are stored, reacted to and acked), then stops. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.deps.bus.close();
    await this.deps.store.drain();
  }

  /** Calls held in memory (for metrics and tests). */
  size(): number {
    return this.calls.size;
  }

  deliver(delivery: Delivery): void {
    const { event } = delivery;
    let call = this.calls.get(event.callId);
    if (!call) {
      call = {
        partition: delivery.partition,
        fold: null,
        link: null,
        operatorId: null,
        popped: new Set(),
        loaded: false,
        takenOver: false,
        decided: Promise.resolve(),
        settled: Promise.resolve(),
        touchedAt: Date.now(),
      };
      this.calls.set(event.callId, call);
    }
    const owned = call;
    owned.touchedAt = Date.now();
    // Settling keeps call order too (the reactions of a call's events run one after another), and never waits
    // for a later event's decision: the next event is decided while this one is written and reacted to.
    let decided: (work: Decided | null) => void = () => undefined;
    const decision = new Promise<Decided | null>((resolve) => (decided = resolve));
    owned.decided = owned.decided.then(async () =>
      decided(await this.retrying(event, () => this.decide(owned, delivery))),
    );
    owned.settled = owned.settled.then(async () => {
      const work = await decision;
      if (work) {
        await work.written;
        if (work.react) await this.react(work.change);
      }
      delivery.ack();
    });
  }

  async release(partition: number): Promise<void> {
    const leaving = [...this.calls.entries()].filter(([, c]) => c.partition === partition);
    await Promise.all(leaving.map(([, c]) => c.decided.then(() => c.settled)));
    for (const [id] of leaving) this.calls.delete(id);
  }

  /**
   * Everything that needs the database happens before anything is told: a failure (database down) retries the
   * same event, and nobody has seen a half-made decision.
   */
  private async decide(call: OwnedCall, { event }: Delivery): Promise<Decided | null> {
    if (!call.loaded) await this.load(call, event);
    const before = call.fold?.call ?? null;
    const { fold, applied } = applyCallEvent(call.fold, event);
    if (!applied) return null; // a redelivery of what is stored already
    const after = fold.call;
    if (call.dialling === undefined) call.dialling = await this.campaignDial(after, event);
    const subject = call.dialling && !after.toRaw ? { ...after, toRaw: call.dialling, toE164: call.dialling } : after;
    // An outbound call that names no number yet (an originate ringing the operator first) is linked once it does, or
    // once its operator's phone rings (a campaign's number is known then).
    const undecided = subject.direction === 'outbound' && !subject.toRaw && !event.agentId;
    const link = call.link ? { link: call.link, created: null } : await this.linkCaller(subject);
    const agent = after.agentExtension;
    const sameAgent = before !== null && agent === before.agentExtension;
    const operatorId = sameAgent
      ? call.operatorId
      : agent
        ? ((await this.deps.cards.userByExtension(agent))?.id ?? null)
        : null;
    const screens = before?.status === 'ended' ? [] : await this.screens(call, event, subject, link.link);

    // Decided: from here on nothing can fail.
    this.deps.logger.debug({ callId: after.id, seq: event.seq, type: event.type }, 'call event decided');
    call.fold = fold;
    call.link = undecided ? null : link.link;
    call.operatorId = operatorId;
    const pops: PopRow[] = [];
    for (const screen of screens) screen(pops);
    if (link.created) {
      this.deps.logger.info({ callId: after.id, leadId: link.created.id }, 'lead created from an incoming call');
      this.deps.realtime.emitTo([callRoom(after.id), ...LIVE_ROOMS], 'lead:created', {
        lead: link.created,
        callId: after.id,
      });
    }
    const written = this.deps.store.write({ event, call: after, operatorId, link: link.link, pops });
    // A call ends once: a second end (an adapter that restarted and closed it again) is stored, nobody is told.
    const secondEnd = event.type === 'call.ended' && before?.status === 'ended';
    if (secondEnd)
      this.deps.logger.warn({ callId: event.callId, seq: event.seq }, 'call had ended already; second end ignored');
    return {
      change: { event, before, after, link: link.link, takenOver: call.takenOver },
      written,
      react: !secondEnd,
    };
  }

  /**
   * A call this node has not seen is read from the store first (one indexed read per call, empty for a new one):
   * a takeover, a restart, or an adapter re-publishing a call all find what is stored, so nothing is decided twice.
   */
  private async load(call: OwnedCall, event: CallEvent): Promise<void> {
    const stored = await this.deps.store.load(event.callId);
    if (stored) {
      call.fold = foldCall(stored.events);
      call.link = stored.link;
      call.operatorId = stored.operatorId;
      call.popped = new Set(stored.popped);
      call.takenOver = true;
    }
    call.loaded = true;
  }

  /**
   * The number a campaign is dialling through the operator this event rings, asked once per call: only an outbound
   * call whose number the PBX has not named yet, and only at an event naming the operator's phone.
   */
  private async campaignDial(call: CallProjection, event: CallEvent): Promise<string | null | undefined> {
    if (call.direction !== 'outbound' || call.toRaw || call.status === 'ended') return null;
    if (!event.agentId) return undefined;
    const viewer = await this.deps.cards.userByExtension(event.agentId);
    return viewer ? this.deps.cards.campaignDialOf(viewer.id) : null;
  }

  /** Who the caller is, decided once per call; an unknown inbound number gets its one open lead here. */
  private async linkCaller(call: CallProjection): Promise<{ link: CallerLink; created: LeadCreated | null }> {
    if (call.direction === 'internal') return { link: { kind: 'none' }, created: null };
    const inbound = call.direction === 'inbound';
    if (call.anonymous && inbound) return { link: { kind: 'withheld' }, created: null };
    const keys = phoneKeys(
      inbound ? (call.fromE164 ?? call.fromRaw) : (call.toE164 ?? call.toRaw),
      this.deps.defaultCountry,
    );
    if (!keys.e164 && !keys.last10) return { link: { kind: inbound ? 'withheld' : 'none' }, created: null };
    const match = await this.deps.cards.callerOf(keys.e164, keys.last10);
    if (match && 'contactId' in match) return { link: { kind: 'contact', contactId: match.contactId }, created: null };
    // The PBX refuses a blocked caller; should it have let one through (its lookup failed open), still no lead.
    if (match && 'blocked' in match) return { link: { kind: inbound ? 'blocked' : 'none' }, created: null };
    // An outbound call to a number with an open lead is that lead's call (a website's "call me back" pops its card);
    // only an inbound call ever makes a lead.
    if (!inbound && !match) return { link: { kind: 'none' }, created: null };
    if (match) {
      return {
        link: { kind: 'lead', leadId: match.leadId, createdByThisCall: match.sourceCallId === call.id },
        created: null,
      };
    }
    const ensured = await this.deps.leads.ensureOpenLeadForCall(keys.e164 ?? call.fromRaw, call.id);
    if (!ensured) return { link: { kind: 'withheld' }, created: null };
    return {
      link: { kind: 'lead', leadId: ensured.lead.id, createdByThisCall: ensured.sourceCallId === call.id },
      created: ensured.created ? ensured.lead : null,
    };
  }

  /**
   * What the screens are told about this event, prepared (users and cards looked up) but not yet sent: each entry
   * sends its emits and adds the pops to remember.
   */
  private async screens(
    call: OwnedCall,
    event: CallEvent,
    after: CallProjection,
    link: CallerLink,
  ): Promise<((pops: PopRow[]) => void)[]> {
    const { realtime } = this.deps;
    const rooms = [callRoom(after.id), ...LIVE_ROOMS];
    const live = toLiveCall(after);
    switch (event.type) {
      case 'call.ringing': {
        if (after.status === 'ended' || !after.ringingAgents.includes(event.agentId)) return [];
        return [await this.pop(call, event, after, link, event.agentId, 'ringing')].filter(isDefined);
      }
      case 'call.answered': {
        const agentExtension = event.agentId ?? null;
        const userId = agentExtension ? ((await this.deps.cards.userByExtension(agentExtension))?.id ?? null) : null;
        return [
          () => {
            if (userId) realtime.joinUserToCall(userId, after.id);
            realtime.emitTo(rooms, 'call:answered', { call: live, agentExtension });
          },
        ];
      }
      case 'call.transferred': {
        const moved = event.agentId ? await this.pop(call, event, after, link, event.agentId, 'transfer') : undefined;
        return [
          () =>
            realtime.emitTo(rooms, 'call:transferred', {
              call: live,
              kind: event.kind,
              fromAgentExtension: event.fromAgentId ?? null,
              toAgentExtension: event.agentId ?? null,
            }),
          ...(moved ? [moved] : []),
        ];
      }
      case 'call.ended':
        return [
          () =>
            realtime.emitTo(rooms, 'call:ended', {
              call: live,
              disposition: after.disposition ?? (event.answered ? 'answered' : 'missed'),
              waitSeconds: after.waitSeconds ?? event.waitSeconds,
              talkSeconds: after.talkSeconds ?? event.talkSeconds,
            }),
        ];
      default:
        return [];
    }
  }

  /** The card for the user whose phone rings (or who got the call by transfer): once per call and user. */
  private async pop(
    call: OwnedCall,
    event: CallEvent,
    after: CallProjection,
    link: CallerLink,
    extension: string,
    reason: 'ringing' | 'transfer',
  ): Promise<((pops: PopRow[]) => void) | undefined> {
    const viewer = await this.deps.cards.userByExtension(extension);
    if (!viewer) {
      this.deps.logger.info({ callId: after.id, extension }, 'no active user has this extension: no screen pop');
      return undefined;
    }
    const userId = viewer.id;
    if (call.popped.has(userId)) return undefined; // a transfer to someone whose phone rang already
    const card = await this.deps.cards.card(after, link, viewer);
    if (!card) return undefined; // internal calls and outbound calls to unknown numbers have no card
    return (pops) => {
      if (call.popped.has(userId)) return;
      call.popped.add(userId);
      // The leg makes the call's contact/lead visible to this operator in the CRM (common/access/visibility).
      const legId =
        reason === 'ringing' ? event.legId : uuidV5(`${after.id}:transfer:${extension}`, TELEPHONY_ID_NAMESPACE);
      pops.push({ callId: after.id, userId, extension, reason, legId, at: event.occurredAt });
      this.deps.realtime.joinUserToCall(userId, after.id);
      this.deps.realtime.emitTo([userRoom(userId), ...LIVE_ROOMS], 'call:ringing', {
        call: toLiveCall(after),
        agentExtension: extension,
        card,
      });
      this.deps.metrics?.observePop(Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    };
  }

  private async react(change: CallChange): Promise<void> {
    for (const reaction of this.deps.reactions) {
      await reaction(change).catch((err: unknown) =>
        this.deps.logger.error({ err, callId: change.event.callId, type: change.event.type }, 'call reaction failed'),
      );
    }
  }

  /**
   * A decision that needs an unreachable database waits for it, holding back only this call's later events. One
   * that fails for another reason (a defect) is given up after a few tries, so one bad event cannot stall its call.
   */
  private async retrying<T>(event: CallEvent, decide: () => Promise<T>): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await decide();
      } catch (error) {
        if (!isConnectionError(error) && attempt >= 2) {
          this.deps.logger.error({ err: error, event }, 'could not decide a call event; giving it up');
          return null;
        }
        const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
        this.deps.logger.warn(
          { err: error, callId: event.callId, seq: event.seq, type: event.type, retryInMs: wait },
          'could not decide a call event; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Forgets calls nobody will send anything about any more (ended a while ago, or open for half a day). */
  private sweep(): void {
    const now = Date.now();
    const retain = this.deps.retainEndedMs ?? 5 * 60_000;
    for (const [id, call] of this.calls) {
      const ended = call.fold?.call.status === 'ended';
      if (now - call.touchedAt > (ended ? retain : OPEN_CALL_MAX_AGE_MS)) {
        // Only once its lanes are idle; an evicted call that speaks again is simply loaded again.
        void call.decided
          .then(() => call.settled)
          .then(() => {
            if (this.calls.get(id) === call && Date.now() - call.touchedAt > retain) this.calls.delete(id);
          });
      }
    }
  }
}

/** A decided event: what reactions get, when its write is committed, and whether reactions run at all. */
interface Decided {
  change: CallChange;
  written: Promise<void>;
  react: boolean;
}

type LeadCreated = NonNullable<Awaited<ReturnType<LeadsService['ensureOpenLeadForCall']>>>['lead'];

const isDefined = <T>(v: T | undefined): v is T => v !== undefined;
