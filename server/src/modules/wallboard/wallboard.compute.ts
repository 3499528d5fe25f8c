import { type AgentDto } from '@contracts/dto/agent';
import {
  type WallboardDto,
  type WallboardOperatorDto,
  type WallboardQueueDto,
  type WaitingCallerDto,
} from '@contracts/dto/wallboard';
import { type LiveCallDto } from '@contracts/socket-events';

/** Today's figures of one queue: the analytics queue report for today (ended inbound calls). */
export interface QueueDayStats {
  queue: string;
  answered: number;
  /** Short abandons left out, as in analytics. */
  abandoned: number;
  missed: number;
  /** Analytics' service level (a fraction, 4 decimals), null before any call. */
  serviceLevel: number | null;
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
  /** Zone of the call centre's clock "today" is counted in. */
  timeZone: string;
  shortAbandonSeconds: number;
  live: LiveCallDto[];
  queueStats: QueueDayStats[];
  operatorStats: OperatorDayStats[];
  agents: AgentDto[];
  serviceLevelThresholdSeconds: number;
  telephonyUp: boolean | null;
}

/** Today's date and the next one on the wall clock of `tz` ("YYYY-MM-DD"). */
export function todayIn(tz: string, now: Date): { today: string; tomorrow: string } {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { today, tomorrow };
}

const secondsBetween = (from: string, now: Date) => Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));

/** A caller waits while their inbound queue call rings operators or is not yet offered to anyone. */
const isWaiting = (c: LiveCallDto) => c.queue !== null && c.status === 'ringing';

const callerOf = (c: LiveCallDto) => (c.from.anonymous ? '' : (c.from.e164 ?? c.from.raw));

/**
 * The wallboard snapshot as a pure function of the live calls, today's stored figures and the operators' states.
 * Service level today is analytics' own figure for the queue and today (see WallboardRepository.queueStats), in
 * percent with one decimal, like the analytics page shows it.
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
    return {
      name,
      waiting,
      longestWaitSeconds: waiting[0]?.waitSeconds ?? 0,
      talking: live.filter((c) => c.queue === name && (c.status === 'answered' || c.status === 'held')).length,
      answeredToday: stats?.answered ?? 0,
      abandonedToday: stats?.abandoned ?? 0,
      missedToday: stats?.missed ?? 0,
      serviceLevelToday:
        stats?.serviceLevel === null || stats?.serviceLevel === undefined
          ? null
          : Math.round(stats.serviceLevel * 1000) / 10,
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
    timeZone: input.timeZone,
    shortAbandonSeconds: input.shortAbandonSeconds,
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
