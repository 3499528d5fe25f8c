import { type AgentStateEvent, type CallEvent, type TelephonyProvider } from '@telephony';
import { type AgentDto, type AgentTelephonyOutcome, type SetAgentStateResponse } from '@contracts/dto/agent';
import { type UserDto } from '@contracts/dto/user';
import { type AgentStateDto } from '@contracts/socket-events';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';

import { roleRoom, userRoom } from '@server/modules/realtime/realtime.types';

import { AgentBook, type Applied } from './agent-book';
import {
  callEnded,
  chosen,
  defaultRecord,
  effectiveState,
  leftCall,
  onCall,
  pbxPaused,
  queuePause,
  ringing,
  ringStopped,
  wrapUpOver,
  type AgentStateRecord,
  type BaseAgentState,
  type Mutation,
} from './agent-state';
import { agentsError } from './agents.errors';
import { type AgentRow, type AgentsRepository } from './agents.repository';
import { NO_REALTIME, type RealtimeSink } from '@server/common/realtime/realtime-sink';

export interface AgentsServiceOptions {
  telephony: TelephonyProvider | null;
  /** Seconds of wrap-up after each answered call, read at each call's end; 0 turns wrap-up off. */
  wrapUpSeconds: () => number;
  logger: Logger;
  /** How often expired wrap-ups return to available. Default 1 s. */
  sweepIntervalMs?: number;
  /** Where `agent:state` goes; absent → nowhere (the REST API still answers). */
  realtime?: RealtimeSink;
  /** The active user an extension rings: users' own lookup, usually behind the card read model's cache. */
  userByExtension: (extension: string) => Promise<{ id: string } | null>;
  /** How long a change waits for others to share its write. Default 2 ms. */
  flushDelayMs?: number;
}

export type AgentChangeListener = (agent: AgentStateDto) => void;

function toDto(row: AgentRow, record: AgentStateRecord): AgentDto {
  const eff = effectiveState(record);
  return {
    userId: row.userId,
    login: row.login,
    name: row.name,
    extension: row.extension ?? '',
    state: eff.state,
    reason: eff.reason,
    since: eff.since.toISOString(),
    baseState: record.state,
    wrapUpUntil: record.wrapUpUntil?.toISOString() ?? null,
    callId: eff.callId,
  };
}

export const toStateDto = (a: AgentDto): AgentStateDto => ({
  userId: a.userId,
  extension: a.extension,
  state: a.state,
  reason: a.reason,
  since: a.since,
});

const FLUSH_RETRY_MS = 1_000;

/**
 * Operator states: the chosen one (available / break with a reason / offline), wrap-up after each answered call,
 * and what the calls make of it (ringing, on-call). Every change is decided in memory (AgentBook), pushed at once
 * as `agent:state` to the operator and to supervisors and managers, mirrored to the PBX as a queue pause with a
 * reason (a pause made on the PBX itself comes back the other way), and written in batches (current row + history
 * intervals). The table is the truth: it is read at start and whenever an operator is first needed, and every write
 * is a compare-and-set on the row's version, so a change decided on a state another node has changed since is redone
 * on the stored one (and pushed again if that differs).
 */
export class AgentsService {
  private readonly listeners = new Set<AgentChangeListener>();
  private readonly book = new AgentBook();
  private readonly loading = new Map<string, Promise<void>>();
  /** The extension each operator was last seen with (for the queue pause of changes the calls make). */
  private readonly extensions = new Map<string, string | null>();
  /** The PBX's pause changes, one after another, so a quick pause and unpause end as the PBX did. */
  private pbxChanges: Promise<void> = Promise.resolve();
  private flushQueued: Promise<void> | null = null;
  private lastFlush: Promise<void> = Promise.resolve();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly repo: AgentsRepository,
    private readonly audit: AuditService,
    private readonly options: AgentsServiceOptions,
  ) {}

  /** Called once an effective change is stored (the wallboard refreshes on it and reads it back). */
  onChange(listener: AgentChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** As stored: a change is pushed at once, and shows here a few milliseconds later, once written. */
  async list(): Promise<AgentDto[]> {
    const now = new Date();
    return (await this.repo.listAgents()).map((r) => toDto(r, r.record ?? defaultRecord(now)));
  }

  async get(userId: string): Promise<AgentDto> {
    const row = await this.repo.find(userId);
    if (!row) throw agentsError('AGENT_NOT_FOUND');
    return toDto(row, row.record ?? defaultRecord(new Date()));
  }

  /**
   * Sets the chosen state of `userId` (the actor's own, or anyone's for supervisors; the router checks roles).
   * Someone else's state change is audited. Leaving wrap-up early is allowed: any chosen state ends it. Answers once
   * the change is stored.
   */
  async setState(
    actor: Pick<UserDto, 'id'>,
    userId: string,
    request: { state: 'available' | 'break' | 'offline'; reason?: string | undefined },
  ): Promise<SetAgentStateResponse> {
    const reason = request.state === 'break' ? (request.reason ?? null) : null;
    const row = await this.repo.find(userId);
    if (!row) throw agentsError('AGENT_NOT_FOUND');
    this.learn(row);
    const before = this.book.get(userId)!;
    this.transition(userId, actor.id, chosen(request.state, reason));
    await this.flushSoon();
    const after = this.book.get(userId) ?? before;
    // Re-applying the same state still re-sends the pause: it repairs a PBX that restarted and forgot it.
    const telephony = await this.applyPause(row.extension, request.state, reason);
    if (actor.id !== userId) {
      await this.audit.record({
        actorId: actor.id,
        action: 'agent.state.set',
        entity: 'user',
        entityId: userId,
        details: {
          state: request.state,
          reason,
          previous: before.state,
          previousReason: before.reason,
          pbxApplied: telephony.applied,
        },
      });
    }
    return { agent: toDto(row, after), telephony };
  }

  /**
   * A departing user (just deactivated): their extension is paused in every queue as `offline`, so no queue call
   * rings a phone nobody answers any more. The account is inactive, so no agent state is kept for it.
   */
  pauseDeparted(extension: string | null): Promise<AgentTelephonyOutcome> {
    return this.applyPause(extension, 'offline', null);
  }

  /**
   * CallReaction: ringing / on-call follow the call events; an answered call ends in wrap-up. Decided and pushed
   * at once; resolves once the changes are stored (the pipeline acks the event then). `takenOver`: this node did not
   * see the call's earlier events (CallChange.takenOver), so who is on it is read from the table.
   */
  async onCallEvent(event: CallEvent, takenOver = true): Promise<void> {
    switch (event.type) {
      case 'call.ringing':
        await this.forExtension(event.agentId, ringing(event.callId));
        break;
      case 'call.ring-stopped':
        await this.forExtension(event.agentId, ringStopped(event.callId));
        break;
      case 'call.answered':
      case 'call.transferred': {
        const target = event.agentId ? await this.userOf(event.agentId) : null;
        for (const userId of await this.usersOn(event.callId, takenOver)) {
          if (userId !== target)
            this.transition(userId, null, leftCall(event.callId, event.type === 'call.transferred'));
        }
        if (target) this.transition(target, null, onCall(event.callId));
        break;
      }
      case 'call.ended': {
        const wrapUpSeconds = this.options.wrapUpSeconds();
        for (const userId of await this.usersOn(event.callId, takenOver)) {
          const t = this.transition(userId, null, callEnded(event.callId, wrapUpSeconds));
          if (t?.baseChanged) await this.applyPause(this.extensions.get(userId) ?? null, 'wrap-up', null);
        }
        break;
      }
      default:
        return;
    }
    if (this.book.hasPending()) await this.flushSoon();
  }

  /**
   * A queue pause or unpause made on the PBX itself (`pauseChange: 'external'`: a desk-phone pause, Asterisk's
   * autopause after a ring with no answer): the operator's state follows it, pushed and stored like any change. A
   * pause is not sent back (the PBX is there already, with its own reason); an unpause is, as the adapter reports one
   * as soon as any member of the operator's is unpaused, and the others must follow. The PBX's report of a pause
   * this service asked for (`'requested'`) changes nothing, so a state chosen in the CRM is never applied twice.
   */
  onPbxAgentState(event: AgentStateEvent): Promise<void> {
    if (event.pauseChange !== 'external') return Promise.resolve();
    const next = this.pbxChanges.then(async () => {
      const userId = await this.userOf(event.agentId);
      if (!userId) return;
      const paused = event.status === 'paused';
      const t = this.transition(userId, null, pbxPaused(paused, event.pauseReason ?? null));
      if (t) {
        this.options.logger.info(
          { userId, extension: event.agentId, paused, reason: event.pauseReason ?? null },
          'queue pause made on the PBX: the operator follows it',
        );
      }
      if (this.book.hasPending()) await this.flushSoon();
      // An unpause of one queue member leaves the operator's other members paused: available is all of them.
      if (!paused && this.book.get(userId)?.state === 'available') {
        await this.applyPause(this.extensions.get(userId) ?? null, 'available', null);
      }
    });
    this.pbxChanges = next.catch(() => undefined);
    return next;
  }

  /** Returns every operator whose wrap-up ran out to available (and unpauses them). Safe on several nodes. */
  async sweepWrapUps(now = new Date()): Promise<number> {
    let done = 0;
    for (const row of await this.repo.expiredWrapUps(now)) {
      this.learn(row);
      const t = this.transition(row.userId, null, wrapUpOver);
      if (t?.baseChanged) {
        done++;
        await this.applyPause(row.extension, 'available', null);
      }
    }
    if (this.book.hasPending()) await this.flushSoon();
    return done;
  }

  /** Reads the stored states (the truth after a restart or another node's death), then sweeps wrap-ups. */
  async start(): Promise<void> {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = true;
      this.sweepWrapUps()
        .catch((err: unknown) => this.options.logger.warn({ err }, 'wrap-up sweep failed'))
        .finally(() => (this.sweeping = false));
    }, this.options.sweepIntervalMs ?? 1000);
    this.sweeper.unref();
    for (const row of await this.repo.loadStates()) this.learn(row);
  }

  /** Stops the sweeper and writes what is decided and not yet stored. */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    if (this.book.hasPending()) await this.flushSoon().catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------------------------

  /** The adapters name operators by extension (a softphone twin `1001-web` is reported as `1001`). */
  private async userOf(extension: string): Promise<string | null> {
    const userId = (await this.options.userByExtension(extension))?.id ?? null;
    if (userId) {
      this.extensions.set(userId, extension);
      await this.load(userId);
    }
    return userId;
  }

  /**
   * Who rings for (or is on) the call: the call's events all come to this node, so its book knows them, also when it
   * knows nobody (the phones stopped ringing, or rang while their operators were on other calls); a call taken over
   * from another node is looked up in the table.
   */
  private async usersOn(callId: string, takenOver: boolean): Promise<string[]> {
    const here = this.book.usersOn(callId);
    if (here.length || !takenOver) return here;
    const stored = await this.repo.onCall(callId);
    for (const row of stored) this.learn(row);
    return stored.map((r) => r.userId).filter((userId) => this.book.has(userId));
  }

  private async forExtension(agentId: string, mutate: Mutation): Promise<void> {
    const userId = await this.userOf(agentId);
    if (userId) this.transition(userId, null, mutate);
  }

  /** An operator this node has not seen yet is read from the table once (loads of one operator are shared). */
  private load(userId: string): Promise<void> {
    if (this.book.has(userId)) return Promise.resolve();
    let loading = this.loading.get(userId);
    if (!loading) {
      loading = this.repo
        .loadStates([userId])
        .then(([row]) => {
          if (row) this.learn(row);
        })
        .finally(() => this.loading.delete(userId));
      this.loading.set(userId, loading);
    }
    return loading;
  }

  private learn(row: AgentRow): void {
    this.extensions.set(row.userId, row.extension);
    const replayed = this.book.learn(row.userId, row.record, row.version);
    if (replayed?.effectiveChanged) this.publish(row.userId, replayed.after);
  }

  /** Decides the change in memory and pushes it; the write follows (flushSoon). Null: nothing changed. */
  private transition(userId: string, changedBy: string | null, mutate: Mutation): Applied | null {
    if (!this.book.has(userId)) return null; // a user deactivated or deleted since it was looked up
    const applied = this.book.apply(userId, mutate, changedBy);
    if (applied?.effectiveChanged) this.publish(userId, applied.after);
    if (applied) void this.flushSoon().catch(() => undefined);
    return applied;
  }

  /**
   * Writes everything decided so far once the current write is done and `flushDelayMs` has passed, so changes made
   * meanwhile share its round trips. Resolves once what was decided before the call is stored.
   */
  private flushSoon(): Promise<void> {
    if (this.flushQueued) return this.flushQueued;
    const queued = this.lastFlush
      .then(() => new Promise((resolve) => setTimeout(resolve, this.options.flushDelayMs ?? 2)))
      .then(() => {
        this.flushQueued = null;
        return this.flush();
      });
    this.flushQueued = queued;
    this.lastFlush = queued.catch(() => undefined);
    return queued;
  }

  private async flush(): Promise<void> {
    // A few rounds at most: each round one of the nodes wanting the same row gets it.
    for (let round = 0; round < 5; round++) {
      const rows = this.book.pending();
      if (!rows.length) return;
      let written: Set<string>;
      try {
        written = await this.repo.store(rows);
      } catch (err) {
        // Still held in memory: the next write (or this retry) takes them along.
        this.options.logger.warn({ err, operators: rows.length }, 'agent states not stored; retrying');
        setTimeout(() => void this.flushSoon().catch(() => undefined), FLUSH_RETRY_MS).unref();
        throw err;
      }
      const lost: string[] = [];
      for (const row of rows) {
        if (!written.has(row.userId)) {
          lost.push(row.userId);
          continue;
        }
        this.book.stored(row);
        if (row.intervals.length) this.tell(this.stateDto(row.userId, row.record));
      }
      if (!lost.length) return;
      const stored = new Map((await this.repo.loadStates(lost)).map((r) => [r.userId, r]));
      for (const userId of lost) {
        const row = stored.get(userId);
        if (!row) {
          this.book.forget(userId);
          continue;
        }
        const before = this.book.get(userId)!;
        this.learn(row);
        const after = this.book.get(userId)!;
        if (after.state !== before.state || after.reason !== before.reason) {
          await this.applyPause(row.extension, after.state, after.reason);
        }
      }
    }
    // Still contended after every round: what is left goes with the next write, or with this retry.
    if (this.book.hasPending()) setTimeout(() => void this.flushSoon().catch(() => undefined), FLUSH_RETRY_MS).unref();
  }

  private publish(userId: string, record: AgentStateRecord): void {
    const realtime = this.options.realtime ?? NO_REALTIME;
    const rooms = [userRoom(userId), roleRoom('supervisor'), roleRoom('manager')];
    realtime.emitTo(rooms, 'agent:state', this.stateDto(userId, record));
  }

  private stateDto(userId: string, record: AgentStateRecord): AgentStateDto {
    const eff = effectiveState(record);
    return {
      userId,
      extension: this.extensions.get(userId) ?? '',
      state: eff.state,
      reason: eff.reason,
      since: eff.since.toISOString(),
    };
  }

  private tell(agent: AgentStateDto): void {
    for (const l of this.listeners) {
      try {
        l(agent);
      } catch (err) {
        this.options.logger.warn({ err }, 'agent change listener threw');
      }
    }
  }

  private async applyPause(
    extension: string | null,
    state: BaseAgentState,
    reason: string | null,
  ): Promise<AgentTelephonyOutcome> {
    const { telephony, logger } = this.options;
    if (!telephony) {
      return { applied: false, note: 'Telephony is off (TELEPHONY_PROVIDER=none): the state is stored only in Zvonok' };
    }
    if (!extension) return { applied: false, note: 'The user has no extension: no PBX queue member to pause' };
    if (!telephony.isUp()) {
      return { applied: false, note: 'The PBX is not connected: the state is stored; the queue pause was not sent' };
    }
    const pause = queuePause(state, reason);
    try {
      await telephony.setAgentPaused(extension, pause.paused, pause.reason);
      return { applied: true, note: null };
    } catch (err) {
      logger.warn({ err, extension, state }, 'queue pause failed');
      const detail = err instanceof Error ? err.message : String(err);
      return { applied: false, note: `The PBX refused the queue pause: ${detail}` };
    }
  }
}
