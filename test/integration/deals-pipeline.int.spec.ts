import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DealStageTotalDto } from '@contracts/dto/deal';
import { ApiClient } from '@test/support/api-client';
import {
  type SeededUser,
  type TestApp,
  TEST_PASSWORD,
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
} from '@test/support/api-server';

/** The kanban's data: per-stage totals over every visible deal, and stage moves by PATCH. */
describe('deals pipeline API (real Postgres)', () => {
  let t: TestApp;
  let op: SeededUser;
  let other: SeededUser;
  const c: Record<string, ApiClient> = {};

  const totals = async (who: string) => {
    const res = await c[who]!.get<{ items: DealStageTotalDto[] }>('/api/deals/stage-totals');
    expect(res.status).toBe(200);
    // Every deal of these operators is in the default pipeline (no pipelineId given), whose keys are the six stages.
    return res.body.items.map(({ pipelineId: _pipeline, ...rest }) => rest);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('pipeline');
    op = await createUser(t.dataSource, `${p}-op`, 'operator');
    other = await createUser(t.dataSource, `${p}-other`, 'operator');
    for (const u of [op, other]) {
      c[u.login] = new ApiClient(t.baseUrl);
      await c[u.login]!.login(u.login, TEST_PASSWORD);
    }
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id, other.id]);
    await t.close();
  });

  it('sums per stage and currency, exactly, over the viewer’s deals only', async () => {
    const mine = c[op.login]!;
    await mine.post('/api/deals', { title: 'A', stage: 'new', amount: '100.10' });
    await mine.post('/api/deals', { title: 'B', stage: 'new', amount: '0.20' });
    await mine.post('/api/deals', { title: 'C', stage: 'new', amount: 5, currency: 'USD' });
    await mine.post('/api/deals', { title: 'D', stage: 'won', amount: '999999999999.99' });
    await c[other.login]!.post('/api/deals', { title: 'Not mine', stage: 'new', amount: '1000' });

    expect(await totals(op.login)).toEqual([
      { stage: 'new', currency: 'RUB', count: 2, amount: '100.30' },
      { stage: 'new', currency: 'USD', count: 1, amount: '5.00' },
      { stage: 'won', currency: 'RUB', count: 1, amount: '999999999999.99' },
    ]);
  });

  it('moves a deal between stages and the totals follow', async () => {
    const mine = c[op.login]!;
    const list = await mine.get('/api/deals?stage=new&limit=100');
    const a = list.body.items.find((d: { title: string }) => d.title === 'A');
    const moved = await mine.patch(`/api/deals/${a.id}`, { stage: 'proposal' });
    expect(moved.status).toBe(200);
    expect(moved.body.stage).toBe('proposal');
    expect(await totals(op.login)).toContainEqual({ stage: 'proposal', currency: 'RUB', count: 1, amount: '100.10' });
    expect(await totals(op.login)).toContainEqual({ stage: 'new', currency: 'RUB', count: 1, amount: '0.20' });
    // Another operator cannot move it: the deal is outside their scope (404, not 403).
    expect((await c[other.login]!.patch(`/api/deals/${a.id}`, { stage: 'lost' })).status).toBe(404);
    expect((await mine.patch(`/api/deals/${a.id}`, { stage: 'closed' })).status).toBe(400);
  });
});
