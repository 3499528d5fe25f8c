import { DEAL_STAGES, type DealDto, type DealStageTotalDto } from '@contracts/dto/deal';

export type Stage = (typeof DEAL_STAGES)[number];

export const isStage = (value: unknown): value is Stage =>
  typeof value === 'string' && (DEAL_STAGES as readonly string[]).includes(value);

export interface StageTotal {
  count: number;
  /** Sum per currency in minor units (kopecks), so optimistic moves add and subtract exactly. */
  cents: Record<string, number>;
}

export interface Board {
  columns: Record<Stage, DealDto[]>;
  totals: Record<Stage, StageTotal>;
}

/** "125000.5" → 12500050. Amounts are at most 12 integer digits, well inside the safe-integer range. */
export function toCents(amount: string): number {
  const [whole = '0', frac = ''] = amount.trim().split('.');
  const sign = whole.startsWith('-') ? -1 : 1;
  const digits = whole.replace('-', '') || '0';
  return sign * (Number(digits) * 100 + Number(frac.padEnd(2, '0').slice(0, 2)));
}

const emptyStages = <T>(make: () => T): Record<Stage, T> =>
  Object.fromEntries(DEAL_STAGES.map((s) => [s, make()])) as Record<Stage, T>;

/** Builds the board from one page of deals per stage plus the server's totals over all deals of the stage. */
export function buildBoard(pages: Partial<Record<Stage, DealDto[]>>, totals: DealStageTotalDto[]): Board {
  const board: Board = { columns: emptyStages(() => []), totals: emptyStages(() => ({ count: 0, cents: {} })) };
  for (const stage of DEAL_STAGES) board.columns[stage] = [...(pages[stage] ?? [])];
  for (const t of totals) {
    const total = board.totals[t.stage];
    total.count += t.count;
    total.cents[t.currency] = (total.cents[t.currency] ?? 0) + toCents(t.amount);
  }
  return board;
}

export function findDeal(board: Board, dealId: string): DealDto | undefined {
  for (const stage of DEAL_STAGES) {
    const deal = board.columns[stage].find((d) => d.id === dealId);
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
  if (!deal || deal.stage === to) return null;
  const from = deal.stage;
  const cents = toCents(deal.amount);
  const moved: DealDto = { ...deal, stage: to };
  return {
    columns: {
      ...board.columns,
      [from]: board.columns[from].filter((d) => d.id !== dealId),
      [to]: [moved, ...board.columns[to]],
    },
    totals: {
      ...board.totals,
      [from]: shift(board.totals[from], deal.currency, cents, -1),
      [to]: shift(board.totals[to], deal.currency, cents, 1),
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
