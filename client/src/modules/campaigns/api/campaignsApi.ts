import { type AgentListResponse } from '@contracts/dto/agent';
import {
  type BuildListRequest,
  type BuildListResponse,
  type CampaignAction,
  type CampaignDto,
  type CampaignProgressDto,
  type CampaignRecordDto,
  type CampaignStatsDto,
  type CreateCampaignRequest,
  type PreviewOfferDto,
  type UpdateCampaignRequest,
} from '@contracts/dto/campaign';
import { http } from '@client/api/http';

const id = (value: string) => encodeURIComponent(value);

export const campaignsApi = {
  list: (signal?: AbortSignal) => http.get<{ items: CampaignDto[] }>('/api/campaigns', { signal }).then((r) => r.items),
  operators: (signal?: AbortSignal) => http.get<AgentListResponse>('/api/agents', { signal }).then((r) => r.items),
  create: (body: CreateCampaignRequest) => http.post<CampaignDto>('/api/campaigns', body),
  update: (campaignId: string, body: UpdateCampaignRequest) =>
    http.patch<CampaignDto>(`/api/campaigns/${id(campaignId)}`, body),
  act: (campaignId: string, action: CampaignAction) =>
    http.post<CampaignDto>(`/api/campaigns/${id(campaignId)}/actions`, { action }),
  buildList: (campaignId: string, body: BuildListRequest) =>
    http.post<BuildListResponse>(`/api/campaigns/${id(campaignId)}/records/build`, body),
  progress: (campaignId: string, signal?: AbortSignal) =>
    http.get<CampaignProgressDto>(`/api/campaigns/${id(campaignId)}/progress`, { signal }),
  stats: (campaignId: string, signal?: AbortSignal) =>
    http.get<CampaignStatsDto>(`/api/campaigns/${id(campaignId)}/stats`, { signal }),
  /** A plain link: the browser downloads with the session cookie, and a GET needs no CSRF header. */
  statsCsvHref: (campaignId: string, lang: 'ru' | 'en') =>
    `/api/campaigns/${id(campaignId)}/stats?format=csv&lang=${lang}`,
  next: (campaignId: string) => http.post<PreviewOfferDto>(`/api/campaigns/${id(campaignId)}/preview/next`),
  dial: (attemptId: string) => http.post<{ dialled: boolean }>(`/api/campaigns/attempts/${id(attemptId)}/dial`),
  skip: (attemptId: string) => http.post<void>(`/api/campaigns/attempts/${id(attemptId)}/skip`),
  dispose: (attemptId: string, disposition: string) =>
    http.post<CampaignRecordDto>(`/api/campaigns/attempts/${id(attemptId)}/disposition`, { disposition }),
};
