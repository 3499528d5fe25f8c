import { type PipelineDto } from '@contracts/dto/pipeline';
import { pipelinesApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';

/** The deal pipelines (default first) and the one the page shows: `id` when it exists, else the default. */
export function usePipelines(id: string | null) {
  const query = useQuery('pipelines', (signal) => pipelinesApi.list(signal));
  const pipelines: PipelineDto[] = query.data ?? [];
  const current = pipelines.find((p) => p.id === id) ?? pipelines.find((p) => p.isDefault) ?? pipelines[0];
  return { ...query, pipelines, current };
}
