import { type SpyModeDto, type SpyResponse } from '@contracts/dto/supervision';
import { http } from '@client/api/http';

export const startSpy = (callId: string, mode: SpyModeDto) =>
  http.post<SpyResponse>(`/api/calls/${encodeURIComponent(callId)}/spy`, { mode });
