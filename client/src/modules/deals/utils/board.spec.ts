import { describe, expect, it } from 'vitest';

import { type DealDto } from '@contracts/dto/deal';
import { type PipelineStageDto } from '@contracts/dto/pipeline';
import { buildBoard, columnOf, moveDeal, toCents, totalEntries, totalOf } from '@client/modules/deals/utils/board';

const stage = (key: string, kind: PipelineStageDto['kind'] = 'open'): PipelineStageDto => ({
  key,
  nameRu: key,
  nameEn: key,
  position: 0,
  kind,
  probability: 0,
});
const STAGES = [stage('new'), stage('proposal'), stage('won', 'won')];

const deal = (id: string, dealStage: string, amount: string, currency = 'RUB'): DealDto => ({
  id,
  title: `Deal ${id}`,
  pipelineId: 'p1',
  stage: dealStage,
  amount,
  currency,
  ownerId: null,
  contactId: null,
  companyId: null,
  closedAt: null,
  custom: {},
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
});

const board = () =>
  buildBoard(STAGES, { new: [deal('a', 'new', '1000.50'), deal('b', 'new', '99.99', 'USD')], proposal: [] }, [
    { pipelineId: 'p1', stage: 'new', currency: 'RUB', count: 3, amount: '5000.50' },
    { pipelineId: 'p1', stage: 'new', currency: 'USD', count: 1, amount: '99.99' },
    { pipelineId: 'p1', stage: 'proposal', currency: 'RUB', count: 2, amount: '20000.00' },
  ]);

describe('deals board', () => {
  it('converts decimal strings to exact minor units', () => {
    expect(toCents('125000')).toBe(12_500_000);
    expect(toCents('0.1')).toBe(10);
    expect(toCents('999999999999.99')).toBe(99_999_999_999_999);
  });

  it('uses the server totals (all deals), not only the loaded page, for every stage of the pipeline', () => {
    const b = board();
    expect(totalOf(b, 'new').count).toBe(4);
    expect(totalEntries(totalOf(b, 'new'))).toEqual([
      { currency: 'RUB', amount: 5000.5 },
      { currency: 'USD', amount: 99.99 },
    ]);
    expect(columnOf(b, 'won')).toEqual([]);
  });

  it('moves a deal to the top of another column and shifts both totals', () => {
    const moved = moveDeal(board(), 'a', 'proposal')!;
    expect(columnOf(moved, 'new').map((d) => d.id)).toEqual(['b']);
    expect(columnOf(moved, 'proposal').map((d) => [d.id, d.stage])).toEqual([['a', 'proposal']]);
    expect(totalOf(moved, 'new').count).toBe(3);
    expect(totalEntries(totalOf(moved, 'proposal'))).toEqual([{ currency: 'RUB', amount: 21000.5 }]);
  });

  it('rolls back exactly by moving to the old stage', () => {
    const before = board();
    const back = moveDeal(moveDeal(before, 'b', 'won')!, 'b', 'new')!;
    expect(back.totals).toEqual({ ...before.totals, won: { count: 0, cents: { USD: 0 } } });
    expect(totalEntries(totalOf(back, 'won'))).toEqual([]);
    expect(
      columnOf(back, 'new')
        .map((d) => d.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('returns null for a no-op (same stage, unknown deal, a stage of another pipeline)', () => {
    expect(moveDeal(board(), 'a', 'new')).toBeNull();
    expect(moveDeal(board(), 'zzz', 'won')).toBeNull();
    expect(moveDeal(board(), 'a', 'negotiation')).toBeNull();
  });
});
