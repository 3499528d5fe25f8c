import { type CallEvent, type TelephonyProvider } from '@telephony';
import { type AgentDto, type AgentTelephonyOutcome, type SetAgentStateResponse } from '@contracts/dto/agent';
import { type UserDto } from '@contracts/dto/user';
import { type AgentStateDto } from '@contracts/socket-events';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';

import {
  defaultRecord,
  effectiveState,
  queuePause,
  sameEffective,
  type AgentStateRecord,
  type BaseAgentState,
} from './agent-state';
import { agentsError } from './agents.errors';
import { type AgentRow, type AgentsRepository } from './agents.repository';
import { NO_REALTIME, type RealtimeSink } from './realtime-sink';

export interface AgentsServiceOptions {
  telephony: TelephonyProvider | null;
  /** Seconds of wrap-up after each answered call, read at each call's end; 0 turns wrap-up off. */
  wrapUpSeconds: () => number;
  logger: Logger;
  /** How often expired wrap-ups return to available. Default 1 s. */
  sweepIntervalMs?: number;
  /** Where `agent:state` goes; absent → nowhere (the REST API still answers). */
  realtime?: RealtimeSink;
}

export type AgentChangeListener = (agent: AgentDto) => void;

interface Transition {
  row: AgentRow;
  /** The base state changed, so the queue pause must follow. */
  baseChanged: boolean;
  effectiveChanged: boolean;
}

type Mutation = (current: AgentStateRecord, now: Date) => AgentStateRecord | null;

function toDto(row: AgentRow, now: Date): AgentDto {
  const record = row.record ?? defaultRecord(now);
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

const base =
  (state: BaseAgentState, reason: string | null, now: Date, wrapUpUntil: Date | null = null) =>
  (r: AgentStateRecord): AgentStateRecord => ({ ...r, state, reason, since: now, wrapUpUntil });

/**
 * Operator states: the chosen one (available / break with a reason / offline), wrap-up after each answered call,
 * and what the calls make of it (ringing, on-call). Every change is stored (current row + history interval),
 * pushed as `agent:state` to the operator and to supervisors and managers, and mirrored to the PBX as a queue
 * pause with a reason. The database is the truth; the PBX follows it when it can and the caller is told when not.
 */
export class AgentsService {
  private readonly listeners = new Set<AgentChangeListener>();
  private readonly inTransition = new Map<string, Promise<Transition>>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly repo: AgentsRepository,
    private readonly audit: AuditService,
    private readonly options: AgentsServiceOptions,
  ) {}

  /** Called after every effective change (the wallboard refreshes on it). */
  onChange(listener: AgentChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<AgentDto[]> {
    const now = new Date();
    return (await this.repo.listAgents()).map((r) => toDto(r, now));
  }

  async get(userId: string): Promise<AgentDto> {
    const row = await this.repo.find(userId);
    if (!row) throw agentsError('AGENT_NOT_FOUND');
    return toDto(row, new Date());
  }

  /**
   * Sets the chosen state of `userId` (the actor's own, or anyone's for supervisors; the router checks roles).
   * Someone else's state change is audited. Leaving wrap-up early is allowed: any chosen state ends it.
   */
  async setState(
    actor: Pick<UserDto, 'id'>,
    userId: string,
    request: { state: 'available' | 'break' | 'offline'; reason?: string | undefined },
  ): Promise<SetAgentStateResponse> {
    const reason = request.state === 'break' ? (request.reason ?? null) : null;
    const before = await this.repo.find(userId);
    if (!before) throw agentsError('AGENT_NOT_FOUND');
    const t = await this.transition(userId, actor.id, (r, now) => base(request.state, reason, now)(r));
    // Re-applying the same state still re-sends the pause: it repairs a PBX that restarted and forgot it.
    const telephony = await this.applyPause(t.row, request.state, reason);
    if (actor.id !== userId) {
      await this.audit.record({
        actorId: actor.id,
        action: 'agent.state.set',
        entity: 'user',
        entityId: userId,
        details: {
          state: request.state,
          reason,
          previous: before.record?.state ?? 'available',
          previousReason: before.record?.reason ?? null,
          pbxApplied: telephony.applied,
        },
      });
    }
    return { agent: toDto(t.row, new Date()), telephony };
  }

  /**
   * A departing user (just deactivated): their extension is paused in every queue as `offline`, so no queue call
   * rings a phone nobody answers any more. The account is inactive, so no agent state is kept for it.
   */
  pauseDeparted(extension: string | null): Promise<AgentTelephonyOutcome> {
    return this.applyPause({ extension }, 'offline', null);
  }

  /** CallReaction: ringing / on-call follow the call events; an answered call ends in wrap-up. */
  async onCallEvent(event: CallEvent): Promise<void> {
    switch (event.type) {
      case 'call.ringing':
        await this.forExtension(event.agentId, (r, now) =>
          r.activity === 'on-call'
            ? null
            : { ...r, activity: 'ringing', activityCallId: event.callId, activitySince: now },
        );
        return;
      case 'call.ring-stopped':
        await this.forExtension(event.agentId, (r) => (isOn(r, event.callId, 'ringing') ? clearActivity(r) : null));
        return;
      case 'call.answered': {
        const answerer = event.agentId ? await this.userOf(event.agentId) : null;
        await this.clearOthers(event.callId, answerer);
        if (answerer) await this.toOnCall(answerer, event.callId);
        return;
      }
      case 'call.transferred': {
        const target = event.agentId ? await this.userOf(event.agentId) : null;
        await this.clearOthers(event.callId, target, true);
        if (target) await this.toOnCall(target, event.callId);
        return;
      }
      case 'call.ended':
        for (const userId of await this.repo.usersOnCall(event.callId)) {
          const t = await this.transition(userId, null, (r, now) => {
            if (r.activityCallId !== event.callId) return null;
            const wasOnCall = r.activity === 'on-call';
            const cleared = clearActivity(r);
            const wrapUpSeconds = this.options.wrapUpSeconds();
            if (!wasOnCall || wrapUpSeconds <= 0 || r.state !== 'available') return cleared;
            return base('wrap-up', null, now, new Date(now.getTime() + wrapUpSeconds * 1000))(cleared);
          });
          if (t.baseChanged) await this.applyPause(t.row, 'wrap-up', null);
        }
        return;
      default:
        return;
    }
  }

  /** Returns every operator whose wrap-up ran out to available (and unpauses them). Safe on several nodes. */
  async sweepWrapUps(now = new Date()): Promise<number> {
    let done = 0;
    for (const userId of await this.repo.expiredWrapUps(now)) {
      const t = await this.transition(userId, null, (r, at) =>
        r.state === 'wrap-up' && r.wrapUpUntil && r.wrapUpUntil <= at ? base('available', null, at)(r) : null,
      );
      if (t.baseChanged) {
        done++;
        await this.applyPause(t.row, 'available', null);
      }
    }
    return done;
  }

  start(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = true;
      this.sweepWrapUps()
        .catch((err: unknown) => this.options.logger.warn({ err }, 'wrap-up sweep failed'))
        .finally(() => (this.sweeping = false));
    }, this.options.sweepIntervalMs ?? 1000);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  // -------------------------------------------------------------------------------------------------------------

  /** A WebRTC twin (`1001-web`) is the same operator as the desk phone `1001`. */
  private userOf(agentId: string): Promise<string | null> {
    return this.repo.userIdByExtension(agentId.replace(/-web$/i, ''));
  }

  private async toOnCall(userId: string, callId: string): Promise<void> {
    await this.transition(userId, null, (r, now) =>
      isOn(r, callId, 'on-call') ? null : { ...r, activity: 'on-call', activityCallId: callId, activitySince: now },
    );
  }

  /** Everyone else ringing for (or, after a transfer, on) the call stops doing so. */
  private async clearOthers(callId: string, keep: string | null, includeOnCall = false): Promise<void> {
    for (const userId of await this.repo.usersOnCall(callId)) {
      if (userId === keep) continue;
      await this.transition(userId, null, (r) =>
        r.activityCallId === callId && (includeOnCall || r.activity === 'ringing') ? clearActivity(r) : null,
      );
    }
  }

  private async forExtension(agentId: string, mutate: Mutation): Promise<void> {
    const userId = await this.userOf(agentId);
    if (userId) await this.transition(userId, null, mutate);
  }

  /**
   * One transition per operator at a time on this node. A ringall queue rings every member for every call, so at
   * 100 calls/s the same rows are wanted 100 times a second: queued here they wait in memory, instead of in
   * PostgreSQL on the row lock while holding a pooled connection the call pipeline needs for its decisions. The row
   * lock still orders transitions across nodes.
   */
  private transition(userId: string, changedBy: string | null, mutate: Mutation): Promise<Transition> {
    const previous = this.inTransition.get(userId) ?? Promise.resolve();
    const next = previous.then(
      () => this.transitionNow(userId, changedBy, mutate),
      () => this.transitionNow(userId, changedBy, mutate),
    );
    this.inTransition.set(userId, next);
    const forget = () => {
      if (this.inTransition.get(userId) === next) this.inTransition.delete(userId);
    };
    next.then(forget, forget);
    return next;
  }

  /** Locks the operator's row, applies `mutate` (null = no change), stores the state and its history interval. */
  private async transitionNow(userId: string, changedBy: string | null, mutate: Mutation): Promise<Transition> {
    const result = await this.repo.transaction(async (em) => {
      const now = new Date();
      const row = await this.repo.lock(em, userId, now);
      if (!row?.record) throw agentsError('AGENT_NOT_FOUND');
      const current = row.record;
      const next = mutate(current, now);
      if (!next) return { row, baseChanged: false, effectiveChanged: false };
      await this.repo.save(em, userId, next);
      const before = effectiveState(current);
      const after = effectiveState(next);
      const effectiveChanged = !sameEffective(before, after);
      if (effectiveChanged) await this.repo.rotateHistory(em, userId, after, now, changedBy);
      return {
        row: { ...row, record: next },
        baseChanged: current.state !== next.state || current.reason !== next.reason,
        effectiveChanged,
      };
    });
    if (result.effectiveChanged || result.baseChanged) this.publish(toDto(result.row, new Date()));
    return result;
  }

  private publish(agent: AgentDto): void {
    const payload = toStateDto(agent);
    const realtime = this.options.realtime ?? NO_REALTIME;
    realtime.emitToUser(agent.userId, 'agent:state', payload);
    realtime.emitToRole('supervisor', 'agent:state', payload);
    realtime.emitToRole('manager', 'agent:state', payload);
    for (const l of this.listeners) {
      try {
        l(agent);
      } catch (err) {
        this.options.logger.warn({ err }, 'agent change listener threw');
      }
    }
  }

  private async applyPause(
    row: Pick<AgentRow, 'extension'>,
    state: BaseAgentState,
    reason: string | null,
  ): Promise<AgentTelephonyOutcome> {
    const { telephony, logger } = this.options;
    if (!telephony) {
      return { applied: false, note: 'Telephony is off (TELEPHONY_PROVIDER=none): the state is stored only in Zvonok' };
    }
    if (!row.extension) return { applied: false, note: 'The user has no extension: no PBX queue member to pause' };
    if (!telephony.isUp()) {
      return { applied: false, note: 'The PBX is not connected: the state is stored; the queue pause was not sent' };
    }
    const pause = queuePause(state, reason);
    try {
      await telephony.setAgentPaused(row.extension, pause.paused, pause.reason);
      return { applied: true, note: null };
    } catch (err) {
      logger.warn({ err, extension: row.extension, state }, 'queue pause failed');
      const detail = err instanceof Error ? err.message : String(err);
      return { applied: false, note: `The PBX refused the queue pause: ${detail}` };
    }
  }
}

const isOn = (r: AgentStateRecord, callId: string, activity: 'on-call' | 'ringing') =>
  r.activity === activity && r.activityCallId === callId;

const clearActivity = (r: AgentStateRecord): AgentStateRecord => ({
  ...r,
  activity: null,
  activityCallId: null,
  activitySince: null,
});
