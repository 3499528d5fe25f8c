import { useCallback, useState } from 'react';

import { type DealDto } from '@contracts/dto/deal';
import { type PipelineDto } from '@contracts/dto/pipeline';
import { dealsApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';
import { type Board, buildBoard, findDeal, moveDeal, type Stage } from '@client/modules/deals/utils/board';

/** Cards loaded per column; the column header still shows the count and sum over all of its deals. */
export const COLUMN_LIMIT = 100;

async function loadBoard(pipeline: PipelineDto, signal: AbortSignal): Promise<Board> {
  const keys = pipeline.stages.map((s) => s.key);
  const [pages, totals] = await Promise.all([
    Promise.all(
      keys.map((stage) => dealsApi.list({ pipelineId: pipeline.id, stage, limit: COLUMN_LIMIT, offset: 0 }, signal)),
    ),
    dealsApi.stageTotals(pipeline.id, signal),
  ]);
  return buildBoard(pipeline.stages, Object.fromEntries(keys.map((s, i) => [s, pages[i]?.items ?? []])), totals);
}

export interface MoveFailure {
  deal: DealDto;
  error: unknown;
}

/**
 * One pipeline's kanban with optimistic moves: a card lands in its new column at once, the PATCH follows, and a
 * failure moves it back (by moving it again, so other moves made meanwhile are kept) and reports why.
 */
export function useDealsBoard(pipeline: PipelineDto) {
  const stagesKey = pipeline.stages.map((s) => `${s.key}:${s.nameRu}:${s.nameEn}`).join('|');
  const query = useQuery(`deals-board:${pipeline.id}:${stagesKey}`, (signal) => loadBoard(pipeline, signal));
  // Local edits are tied to the loaded board they were made on; a reload starts from the server's truth.
  const [local, setLocal] = useState<{ base: Board; board: Board } | null>(null);
  const [failure, setFailure] = useState<MoveFailure | null>(null);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const base = query.data;
  const board = local && local.base === base ? local.board : base;

  const apply = useCallback(
    (dealId: string, to: Stage) =>
      setLocal((prev) => {
        if (!base) return prev;
        const current = prev && prev.base === base ? prev.board : base;
        const next = moveDeal(current, dealId, to);
        return next ? { base, board: next } : prev;
      }),
    [base],
  );

  const move = useCallback(
    async (dealId: string, to: Stage) => {
      const deal = board ? findDeal(board, dealId) : undefined;
      if (!deal || deal.stage === to || pending.has(dealId)) return;
      const from = deal.stage;
      setFailure(null);
      apply(dealId, to);
      setPending((p) => new Set(p).add(dealId));
      try {
        await dealsApi.update(dealId, { stage: to });
      } catch (error) {
        apply(dealId, from);
        setFailure({ deal, error });
      } finally {
        setPending((p) => {
          const next = new Set(p);
          next.delete(dealId);
          return next;
        });
      }
    },
    [apply, board, pending],
  );

  return { ...query, board, move, pending, failure, dismissFailure: () => setFailure(null) };
}
