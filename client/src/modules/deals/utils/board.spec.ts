import { describe, expect, it } from 'vitest';

import { type DealDto } from '@contracts/dto/deal';
import { buildBoard, moveDeal, toCents, totalEntries } from '@client/modules/deals/utils/board';

const deal = (id: string, stage: DealDto['stage'], amount: string, currency = 'RUB'): DealDto => ({
  id,
  title: `Deal ${id}`,
  stage,
  amount,
  currency,
  ownerId: null,
  contactId: null,
  companyId: null,
  closedAt: null,
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
});

const board = () =>
  buildBoard({ new: [deal('a', 'new', '1000.50'), deal('b', 'new', '99.99', 'USD')], proposal: [] }, [
    { stage: 'new', currency: 'RUB', count: 3, amount: '5000.50' },
    { stage: 'new', currency: 'USD', count: 1, amount: '99.99' },
    { stage: 'proposal', currency: 'RUB', count: 2, amount: '20000.00' },
  ]);

describe('deals board', () => {
  it('converts decimal strings to exact minor units', () => {
    expect(toCents('125000')).toBe(12_500_000);
    expect(toCents('0.1')).toBe(10);
    expect(toCents('999999999999.99')).toBe(99_999_999_999_999);
  });

  it('uses the server totals (all deals), not only the loaded page', () => {
    const b = board();
    expect(b.totals.new.count).toBe(4);
    expect(totalEntries(b.totals.new)).toEqual([
      { currency: 'RUB', amount: 5000.5 },
      { currency: 'USD', amount: 99.99 },
    ]);
    expect(b.columns.won).toEqual([]);
  });

  it('moves a deal to the top of another column and shifts both totals', () => {
    const moved = moveDeal(board(), 'a', 'proposal')!;
    expect(moved.columns.new.map((d) => d.id)).toEqual(['b']);
    expect(moved.columns.proposal.map((d) => [d.id, d.stage])).toEqual([['a', 'proposal']]);
    expect(moved.totals.new.count).toBe(3);
    expect(totalEntries(moved.totals.new)).toEqual([
      { currency: 'RUB', amount: 4000 },
      { currency: 'USD', amount: 99.99 },
    ]);
    expect(totalEntries(moved.totals.proposal)).toEqual([{ currency: 'RUB', amount: 21000.5 }]);
  });

  it('rolls back exactly by moving to the old stage', () => {
    const before = board();
    const back = moveDeal(moveDeal(before, 'b', 'won')!, 'b', 'new')!;
    expect(back.totals).toEqual({ ...before.totals, won: { count: 0, cents: { USD: 0 } } });
    expect(totalEntries(back.totals.won)).toEqual([]);
    expect(back.columns.new.map((d) => d.id).sort()).toEqual(['a', 'b']);
  });

  it('returns null for a no-op (same stage or unknown deal)', () => {
    expect(moveDeal(board(), 'a', 'new')).toBeNull();
    expect(moveDeal(board(), 'zzz', 'won')).toBeNull();
  });
});
