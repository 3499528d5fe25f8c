import { z } from 'zod';

import { type AgentStateName } from '@contracts/dto/agent-state';

/** A caller waiting in a queue right now (ringing operators or not yet offered). */
export interface WaitingCallerDto {
  callId: string;
  from: string;
  anonymous: boolean;
  since: string;
  waitSeconds: number;
}

export interface WallboardQueueDto {
  name: string;
  waiting: WaitingCallerDto[];
  /** Seconds the longest-waiting caller has waited (0 when nobody waits). */
  longestWaitSeconds: number;
  /** Callers talking to an operator of this queue now. */
  talking: number;
  /** Since midnight on the call centre's clock (`WallboardDto.timeZone`). */
  answeredToday: number;
  abandonedToday: number;
  missedToday: number;
  /**
   * Today's service level, 0..100 with one decimal; null before any call. The analytics figure for this queue and
   * today: answered within the threshold ÷ (offered − short abandons), failed calls included.
   */
  serviceLevelToday: number | null;
  serviceLevelThresholdSeconds: number;
  /** Mean wait of today's answered calls, seconds. */
  averageWaitSeconds: number | null;
}

export interface WallboardCurrentCallDto {
  callId: string;
  from: string;
  queue: string | null;
  startedAt: string;
  answeredAt: string | null;
}

export interface WallboardOperatorDto {
  userId: string;
  name: string;
  extension: string;
  state: AgentStateName;
  reason: string | null;
  /** When the state began. */
  since: string;
  currentCall: WallboardCurrentCallDto | null;
  /** Answered calls today (inbound and outbound). */
  callsToday: number;
  talkSecondsToday: number;
}

export interface WallboardDto {
  /** Server time the snapshot was computed at; clients tick durations from here. */
  at: string;
  /** Midnight the "today" figures start from. */
  dayStartedAt: string;
  /** IANA zone of that midnight (the call centre's clock, analytics' default zone). */
  timeZone: string;
  /** Abandons shorter than this are left out of abandoned and of the service level (as analytics' default). */
  shortAbandonSeconds: number;
  queues: WallboardQueueDto[];
  operators: WallboardOperatorDto[];
  totals: { waiting: number; talking: number; answeredToday: number; abandonedToday: number };
  telephonyUp: boolean | null;
}

/** `GET /api/wallboard?teamId=`: operators of one team only (queues are everyone's). */
export const wallboardQuerySchema = z.strictObject({ teamId: z.uuid().optional() });
