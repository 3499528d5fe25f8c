import { type AgentDto } from '@contracts/dto/agent';
import {
  type WallboardDto,
  type WallboardOperatorDto,
  type WallboardQueueDto,
  type WaitingCallerDto,
} from '@contracts/dto/wallboard';
import { type LiveCallDto } from '@contracts/socket-events';

/** Today's figures of one queue, as the calls table gives them (ended calls only). */
export interface QueueDayStats {
  queue: string;
  answered: number;
  abandoned: number;
  missed: number;
  answeredWithinThreshold: number;
  averageWaitSeconds: number | null;
}

export interface OperatorDayStats {
  extension: string;
  answered: number;
  talkSeconds: number;
}

export interface WallboardInputs {
  now: Date;
  dayStart: Date;
  live: LiveCallDto[];
  queueStats: QueueDayStats[];
  operatorStats: OperatorDayStats[];
  agents: AgentDto[];
  serviceLevelThresholdSeconds: number;
  telephonyUp: boolean | null;
}

const secondsBetween = (from: string, now: Date) => Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));

/** A caller waits while their inbound queue call rings operators or is not yet offered to anyone. */
const isWaiting = (c: LiveCallDto) => c.queue !== null && c.status === 'ringing';

const callerOf = (c: LiveCallDto) => (c.from.anonymous ? '' : (c.from.e164 ?? c.from.raw));

/**
 * The wallboard snapshot as a pure function of the live calls, today's stored figures and the operators' states.
 * Service level today = answered within the threshold / (answered + abandoned + missed) of today's ended queue
 * calls, where `abandoned` leaves out short abandons (the repository does): the same definition as analytics.
 */
export function computeWallboard(input: WallboardInputs): WallboardDto {
  const { now, live } = input;
  const names = new Set<string>([
    ...input.queueStats.map((q) => q.queue),
    ...live.flatMap((c) => (c.queue ? [c.queue] : [])),
  ]);
  const queues: WallboardQueueDto[] = [...names].sort().map((name) => {
    const waiting: WaitingCallerDto[] = live
      .filter((c) => c.queue === name && isWaiting(c))
      .map((c) => ({
        callId: c.id,
        from: callerOf(c),
        anonymous: c.from.anonymous,
        since: c.startedAt,
        waitSeconds: secondsBetween(c.startedAt, now),
      }))
      .sort((a, b) => b.waitSeconds - a.waitSeconds);
    const stats = input.queueStats.find((q) => q.queue === name);
    const offered = stats ? stats.answered + stats.abandoned + stats.missed : 0;
    return {
      name,
      waiting,
      longestWaitSeconds: waiting[0]?.waitSeconds ?? 0,
      talking: live.filter((c) => c.queue === name && (c.status === 'answered' || c.status === 'held')).length,
      answeredToday: stats?.answered ?? 0,
      abandonedToday: stats?.abandoned ?? 0,
      missedToday: stats?.missed ?? 0,
      serviceLevelToday:
        stats && offered > 0 ? Math.round((stats.answeredWithinThreshold / offered) * 1000) / 10 : null,
      serviceLevelThresholdSeconds: input.serviceLevelThresholdSeconds,
      averageWaitSeconds: stats?.averageWaitSeconds ?? null,
    };
  });

  const operators: WallboardOperatorDto[] = input.agents
    .filter((a) => a.extension !== '')
    .map((a) => {
      const onCall =
        live.find((c) => c.id === a.callId) ??
        live.find((c) => c.agentExtension === a.extension && c.status !== 'ringing') ??
        live.find((c) => c.ringing.includes(a.extension));
      const stats = input.operatorStats.find((s) => s.extension === a.extension);
      return {
        userId: a.userId,
        name: a.name,
        extension: a.extension,
        state: a.state,
        reason: a.reason,
        since: a.since,
        currentCall: onCall
          ? {
              callId: onCall.id,
              from: callerOf(onCall),
              queue: onCall.queue,
              startedAt: onCall.startedAt,
              answeredAt: onCall.answeredAt,
            }
          : null,
        callsToday: stats?.answered ?? 0,
        talkSecondsToday: stats?.talkSeconds ?? 0,
      };
    });

  return {
    at: now.toISOString(),
    dayStartedAt: input.dayStart.toISOString(),
    queues,
    operators,
    totals: {
      waiting: queues.reduce((n, q) => n + q.waiting.length, 0),
      talking: live.filter((c) => c.status === 'answered' || c.status === 'held').length,
      answeredToday: queues.reduce((n, q) => n + q.answeredToday, 0),
      abandonedToday: queues.reduce((n, q) => n + q.abandonedToday, 0),
    },
    telephonyUp: input.telephonyUp,
  };
}
