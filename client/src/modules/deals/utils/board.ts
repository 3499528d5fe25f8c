import { type DealDto, type DealStageTotalDto } from '@contracts/dto/deal';
import { type PipelineStageDto } from '@contracts/dto/pipeline';

/** A stage's key in its pipeline. */
export type Stage = string;

export interface StageTotal {
  count: number;
  /** Sum per currency in minor units (kopecks), so optimistic moves add and subtract exactly. */
  cents: Record<string, number>;
}

export interface Board {
  /** The pipeline's stages in order: the columns from left to right. */
  stages: readonly PipelineStageDto[];
  columns: Record<Stage, DealDto[]>;
  totals: Record<Stage, StageTotal>;
}

export const isStage = (board: Board, value: unknown): value is Stage =>
  typeof value === 'string' && board.stages.some((s) => s.key === value);

/** "125000.5" → 12500050. Amounts are at most 12 integer digits, well inside the safe-integer range. */
export function toCents(amount: string): number {
  const [whole = '0', frac = ''] = amount.trim().split('.');
  const sign = whole.startsWith('-') ? -1 : 1;
  const digits = whole.replace('-', '') || '0';
  return sign * (Number(digits) * 100 + Number(frac.padEnd(2, '0').slice(0, 2)));
}

const EMPTY: StageTotal = { count: 0, cents: {} };

export const columnOf = (board: Board, stage: Stage): DealDto[] => board.columns[stage] ?? [];
export const totalOf = (board: Board, stage: Stage): StageTotal => board.totals[stage] ?? EMPTY;

/** Builds the board from one page of deals per stage plus the server's totals over all deals of the stage. */
export function buildBoard(
  stages: readonly PipelineStageDto[],
  pages: Partial<Record<Stage, DealDto[]>>,
  totals: DealStageTotalDto[],
): Board {
  const board: Board = { stages, columns: {}, totals: {} };
  for (const { key } of stages) {
    board.columns[key] = [...(pages[key] ?? [])];
    board.totals[key] = { count: 0, cents: {} };
  }
  for (const t of totals) {
    const total = board.totals[t.stage];
    if (!total) continue;
    total.count += t.count;
    total.cents[t.currency] = (total.cents[t.currency] ?? 0) + toCents(t.amount);
  }
  return board;
}

export function findDeal(board: Board, dealId: string): DealDto | undefined {
  for (const { key } of board.stages) {
    const deal = columnOf(board, key).find((d) => d.id === dealId);
    if (deal) return deal;
  }
  return undefined;
}

const shift = (total: StageTotal, currency: string, cents: number, sign: 1 | -1): StageTotal => ({
  count: total.count + sign,
  cents: { ...total.cents, [currency]: (total.cents[currency] ?? 0) + sign * cents },
});

/**
 * The board with one deal moved to the top of another column and both columns' totals adjusted.
 * Returns null when nothing changes (unknown deal, same stage), so callers skip the request too.
 * Pure: the same function both applies an optimistic move and rolls it back (move to the old stage).
 */
export function moveDeal(board: Board, dealId: string, to: Stage): Board | null {
  const deal = findDeal(board, dealId);
  if (!deal || deal.stage === to || !isStage(board, to)) return null;
  const from = deal.stage;
  const cents = toCents(deal.amount);
  const moved: DealDto = { ...deal, stage: to };
  return {
    stages: board.stages,
    columns: {
      ...board.columns,
      [from]: columnOf(board, from).filter((d) => d.id !== dealId),
      [to]: [moved, ...columnOf(board, to)],
    },
    totals: {
      ...board.totals,
      [from]: shift(totalOf(board, from), deal.currency, cents, -1),
      [to]: shift(totalOf(board, to), deal.currency, cents, 1),
    },
  };
}

/** Currency sums of a column in a stable order, dropping currencies that moved out entirely. */
export function totalEntries(total: StageTotal): { currency: string; amount: number }[] {
  return Object.entries(total.cents)
    .filter(([, cents]) => cents !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, cents]) => ({ currency, amount: cents / 100 }));
}

/** A stage's name in the UI language. */
export const stageName = (stage: Pick<PipelineStageDto, 'nameRu' | 'nameEn'>, locale: string) =>
  locale === 'en' ? stage.nameEn : stage.nameRu;
