import {
  type CallDirectionsReportDto,
  type MyDashboardReportDto,
  type SalesReportDto,
  type SetTargetRequest,
  type TeamReportDto,
} from '@contracts/dto/analytics-roles';
import { http } from '@client/api/http';
import { type QueryState, useQuery } from '@client/app/useQuery';
import { apiParams, type RangeInput } from '@client/modules/analytics/utils/analyticsRange';

/** The signed-in user's own figures (every role). */
export function useMyFigures(range: RangeInput): QueryState<MyDashboardReportDto> {
  const query = apiParams(range);
  return useQuery(`analytics:me:${JSON.stringify(query)}`, (signal) =>
    http.get<MyDashboardReportDto>('/api/analytics/me', { query, signal }),
  );
}

export interface RoleReports {
  team: QueryState<TeamReportDto>;
  sales: QueryState<SalesReportDto>;
  directions: QueryState<CallDirectionsReportDto>;
}

/** The staff reports of issue #20 for one range and team filter. */
export function useRoleReports(range: RangeInput, teamId = ''): RoleReports {
  const query = { ...apiParams(range), teamId: teamId || undefined };
  const key = JSON.stringify(query);
  const get =
    <T>(report: string) =>
    (signal: AbortSignal) =>
      http.get<T>(`/api/analytics/${report}`, { query, signal });
  return {
    team: useQuery(`analytics:team:${key}`, get<TeamReportDto>('team')),
    sales: useQuery(`analytics:sales:${key}`, get<SalesReportDto>('sales')),
    directions: useQuery(`analytics:call-directions:${key}`, get<CallDirectionsReportDto>('call-directions')),
  };
}

export const setTarget = (userId: string, body: SetTargetRequest) =>
  http.put<void>(`/api/analytics/targets/${userId}`, body);
