import { companiesApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';

/**
 * id → name for the company column and picker. One page of 100 is enough for the demo scale;
 * a searchable picker replaces this when company counts grow.
 */
export function useCompanies() {
  const query = useQuery('companies', (signal) => companiesApi.list({ limit: 100, offset: 0 }, signal));
  const items = query.data?.items ?? [];
  const names = new Map(items.map((c) => [c.id, c.name]));
  return { items, names, error: query.error };
}
