import { type TeamDto } from '@contracts/dto/team';
import { teamsApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';

/** The teams a staff member may filter by (a team supervisor's own); empty for operators, who get 403. */
export function useTeams(enabled: boolean): TeamDto[] {
  return useQuery(`teams:${enabled}`, (signal) => (enabled ? teamsApi.list(signal) : Promise.resolve([]))).data ?? [];
}
