import {
  type AnalyticsSummaryDto,
  type CampaignResultsReportDto,
  type DailyReportDto,
  type FunnelReportDto,
  type HeatmapReportDto,
  type OperatorsReportDto,
  type QueuesReportDto,
} from '@contracts/dto/analytics';
import { http } from '@client/api/http';
import { type QueryState, useQuery } from '@client/app/useQuery';
import { apiParams, type RangeInput } from '@client/modules/analytics/utils/analyticsRange';

export interface AnalyticsData {
  summary: QueryState<AnalyticsSummaryDto>;
  operators: QueryState<OperatorsReportDto>;
  queues: QueryState<QueuesReportDto>;
  heatmap: QueryState<HeatmapReportDto>;
  daily: QueryState<DailyReportDto>;
  funnel: QueryState<FunnelReportDto>;
  campaigns: QueryState<CampaignResultsReportDto>;
}

/** The dashboard reports for one range; a new range aborts the requests still in flight. */
export function useAnalytics(range: RangeInput, teamId = '', pipelineId = ''): AnalyticsData {
  const query = { ...apiParams(range), teamId: teamId || undefined };
  const key = JSON.stringify(query);
  const funnelQuery = { ...query, pipelineId: pipelineId || undefined };
  const get =
    <T>(report: string) =>
    (signal: AbortSignal) =>
      http.get<T>(`/api/analytics/${report}`, { query, signal });
  return {
    summary: useQuery(`analytics:summary:${key}`, get<AnalyticsSummaryDto>('summary')),
    operators: useQuery(`analytics:operators:${key}`, get<OperatorsReportDto>('operators')),
    queues: useQuery(`analytics:queues:${key}`, get<QueuesReportDto>('queues')),
    heatmap: useQuery(`analytics:heatmap:${key}`, get<HeatmapReportDto>('heatmap')),
    daily: useQuery(`analytics:daily:${key}`, get<DailyReportDto>('daily')),
    campaigns: useQuery(`analytics:campaigns:${key}`, get<CampaignResultsReportDto>('campaigns')),
    funnel: useQuery(`analytics:funnel:${JSON.stringify(funnelQuery)}`, (signal) =>
      http.get<FunnelReportDto>('/api/analytics/funnel', { query: funnelQuery, signal }),
    ),
  };
}
