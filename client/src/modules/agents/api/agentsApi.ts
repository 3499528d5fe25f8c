import { type AgentDto, type SetAgentStateRequest, type SetAgentStateResponse } from '@contracts/dto/agent';
import { http } from '@client/api/http';

export const fetchMyAgentState = (signal?: AbortSignal) =>
  http.get<{ agent: AgentDto }>('/api/agents/me', { signal }).then((r) => r.agent);

export const setMyAgentState = (request: SetAgentStateRequest) =>
  http.put<SetAgentStateResponse>('/api/agents/me/state', request);

/** Supervisors, managers and admins only (the server refuses operators). */
export const setAgentState = (userId: string, request: SetAgentStateRequest) =>
  http.put<SetAgentStateResponse>(`/api/agents/${encodeURIComponent(userId)}/state`, request);
