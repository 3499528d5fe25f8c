import { z } from 'zod';

import { type AgentStateDto, type AgentStateName } from '@contracts/socket-events';

export { type AgentStateDto, type AgentStateName };

/** States an operator (or a supervisor for them) may choose; wrap-up starts by itself after a call. */
export const SETTABLE_AGENT_STATES = ['available', 'break', 'offline'] as const;
export type SettableAgentState = (typeof SETTABLE_AGENT_STATES)[number];

/** Reasons the UI offers for a break; any other short text is accepted too. */
export const BREAK_REASONS = ['lunch', 'rest', 'training', 'meeting', 'technical', 'other'] as const;

const reasonSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const setAgentStateRequestSchema = z
  .strictObject({ state: z.enum(SETTABLE_AGENT_STATES), reason: reasonSchema.optional() })
  .refine((v) => v.state !== 'break' || v.reason !== undefined, {
    path: ['reason'],
    message: 'a break needs a reason',
  });
export type SetAgentStateRequest = z.infer<typeof setAgentStateRequestSchema>;

export const agentUserParamsSchema = z.strictObject({ userId: z.uuid() });

/** An operator as the supervisor's screens list them. */
export interface AgentDto extends AgentStateDto {
  login: string;
  name: string;
  /** The chosen state under on-call/ringing (what the operator returns to after the call). */
  baseState: 'available' | 'break' | 'wrap-up' | 'offline';
  /** When the wrap-up timer ends (state `wrap-up`). */
  wrapUpUntil: string | null;
  /** The call the operator is on or ringing for. */
  callId: string | null;
}

/** Whether the PBX side (queue pause) followed the stored state. */
export interface AgentTelephonyOutcome {
  /** True when Asterisk confirmed the queue pause/unpause. */
  applied: boolean;
  /** Why not, in plain words (telephony off, PBX down, action refused). Null when applied. */
  note: string | null;
}

export interface SetAgentStateResponse {
  agent: AgentDto;
  telephony: AgentTelephonyOutcome;
}

export interface AgentListResponse {
  items: AgentDto[];
}
