import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PipelineDto } from '@contracts/dto/pipeline';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';

const FOUR_STAGES = [
  { nameRu: 'Заявка', nameEn: 'Request', probability: 10 },
  { nameRu: 'Демо', nameEn: 'Demo', probability: 40 },
  { nameRu: 'Подписан', nameEn: 'Signed', kind: 'won', probability: 100 },
  { nameRu: 'Отказ', nameEn: 'Refused', kind: 'lost' },
];

/** Several deal pipelines with editable stages; deals move through their pipeline's stages only. */
describe('deal pipelines', () => {
  let t: TestApp;
  let admin: ApiClient;
  let operator: ApiClient;
  let prefix: string;
  const users: SeededUser[] = [];
  let pipeline: PipelineDto;
  let defaultPipeline: PipelineDto;

  beforeAll(async () => {
    t = await startTestApp();
    prefix = suitePrefix('pipelines');
    const a = await createUser(t.dataSource, `${prefix}-admin`, 'admin');
    const o = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    users.push(a, o);
    admin = new ApiClient(t.baseUrl);
    await admin.login(a.login, TEST_PASSWORD);
    operator = new ApiClient(t.baseUrl);
    await operator.login(o.login, TEST_PASSWORD);
    const res = await admin.post('/api/pipelines', {
      nameRu: `Партнёры ${prefix}`,
      nameEn: `Partners ${prefix}`,
      stages: FOUR_STAGES,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    pipeline = res.body;
    defaultPipeline = (await operator.get('/api/pipelines')).body.items.find((p: PipelineDto) => p.isDefault);
  });
  afterAll(async () => {
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.dataSource.query(`DELETE FROM pipelines WHERE id = $1`, [pipeline.id]);
    await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [users.map((u) => u.id)]);
    await t.close();
  });

  it('keeps the six stages of before as the default pipeline, and a new one with its own stages in order', () => {
    expect(defaultPipeline.stages.map((s) => [s.key, s.kind])).toEqual([
      ['new', 'open'],
      ['qualification', 'open'],
      ['proposal', 'open'],
      ['negotiation', 'open'],
      ['won', 'won'],
      ['lost', 'lost'],
    ]);
    expect(pipeline.stages.map((s) => [s.nameEn, s.position, s.kind])).toEqual([
      ['Request', 0, 'open'],
      ['Demo', 1, 'open'],
      ['Signed', 2, 'won'],
      ['Refused', 3, 'lost'],
    ]);
  });

  it('moves a deal through the pipeline; a won stage closes it, a stage of another pipeline is refused', async () => {
    const [request, demo, signed] = pipeline.stages;
    const deal = await operator.post('/api/deals', {
      title: `${prefix} сделка`,
      pipelineId: pipeline.id,
      amount: '1000',
    });
    expect(deal.status).toBe(201);
    expect(deal.body).toMatchObject({ pipelineId: pipeline.id, stage: request!.key, closedAt: null });
    const moved = await operator.patch(`/api/deals/${deal.body.id}`, { stage: demo!.key });
    expect(moved.body.stage).toBe(demo!.key);
    const won = await operator.patch(`/api/deals/${deal.body.id}`, { stage: signed!.key });
    expect(won.body.closedAt).not.toBeNull();
    const foreign = await operator.patch(`/api/deals/${deal.body.id}`, { stage: 'proposal' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'STAGE_NOT_FOUND', details: { field: 'stage' } });
    const toDefault = await operator.patch(`/api/deals/${deal.body.id}`, { pipelineId: defaultPipeline.id });
    expect(toDefault.body).toMatchObject({ pipelineId: defaultPipeline.id, stage: 'new', closedAt: null });
    const back = await operator.patch(`/api/deals/${deal.body.id}`, { pipelineId: pipeline.id, stage: demo!.key });
    expect(back.body).toMatchObject({ pipelineId: pipeline.id, stage: demo!.key });
    const missing = await operator.post('/api/deals', {
      title: 'x',
      pipelineId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.body.error).toMatchObject({ code: 'PIPELINE_NOT_FOUND', details: { field: 'pipelineId' } });
    // Deals without a pipeline go to the default one, as before.
    expect((await operator.post('/api/deals', { title: `${prefix} старая`, stage: 'proposal' })).body).toMatchObject({
      pipelineId: defaultPipeline.id,
      stage: 'proposal',
    });
  });

  it('lists and totals per pipeline', async () => {
    const listed = await operator.get(`/api/deals?pipelineId=${pipeline.id}`);
    expect(listed.body.items.map((d: { title: string }) => d.title)).toEqual([`${prefix} сделка`]);
    const totals = await operator.get(`/api/deals/stage-totals?pipelineId=${pipeline.id}`);
    expect(totals.body.items).toEqual([
      { pipelineId: pipeline.id, stage: pipeline.stages[1]!.key, currency: 'RUB', count: 1, amount: '1000.00' },
    ]);
  });

  it('edits stages: renames and reorders keep keys; a stage with deals cannot go; the default pipeline stays', async () => {
    const [request, demo, signed, refused] = pipeline.stages;
    const busy = await admin.patch(`/api/pipelines/${pipeline.id}`, {
      stages: [request!, signed!, refused!].map(({ position: _p, ...s }) => s),
    });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'STAGE_HAS_DEALS', details: { stages: [demo!.key] } });
    const edited = await admin.patch(`/api/pipelines/${pipeline.id}`, {
      stages: [
        { ...demo!, nameEn: 'Demo call' },
        { ...request! },
        { nameRu: 'Счёт', nameEn: 'Invoice', probability: 80 },
        { ...signed! },
        { ...refused! },
      ].map(({ position: _p, ...s }: Record<string, unknown>) => s),
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.stages.map((s: { nameEn: string }) => s.nameEn)).toEqual([
      'Demo call',
      'Request',
      'Invoice',
      'Signed',
      'Refused',
    ]);
    expect(edited.body.stages[0].key).toBe(demo!.key);
    pipeline = edited.body;
    expect((await admin.delete(`/api/pipelines/${defaultPipeline.id}`)).body.error.code).toBe('PIPELINE_IS_DEFAULT');
    expect((await admin.delete(`/api/pipelines/${pipeline.id}`)).body.error.code).toBe('PIPELINE_HAS_DEALS');
    expect((await operator.post('/api/pipelines', { nameRu: 'x', nameEn: 'x', stages: FOUR_STAGES })).status).toBe(403);
  });

  it('reports a funnel per pipeline: on each stage now, reached, conversion and weighted amounts', async () => {
    const keys = pipeline.stages.map((s) => s.key); // Demo call, Request, Invoice, Signed, Refused
    const make = async (stage: string, amount: string) =>
      (await operator.post('/api/deals', { title: `${prefix} f`, pipelineId: pipeline.id, stage, amount })).body;
    await make(keys[1]!, '100'); // Request
    await make(keys[2]!, '200'); // Invoice
    await make(keys[3]!, '300'); // Signed (won)
    await make(keys[4]!, '50'); // Refused (lost)
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await admin.get(`/api/analytics/funnel?from=${today}&to=${tomorrow}&tz=UTC&pipelineId=${pipeline.id}`);
    expect(res.status).toBe(200);
    const rows = res.body.stages.map((s: { nameEn: string; deals: number; reached: number }) => [
      s.nameEn,
      s.deals,
      s.reached,
    ]);
    // The deal moved earlier sits on "Demo call" (1000): open stages reached = on it or later open ones + won.
    expect(rows).toEqual([
      ['Demo call', 1, 4],
      ['Request', 1, 3],
      ['Invoice', 1, 2],
      ['Signed', 1, 1],
      ['Refused', 1, 1],
    ]);
    const invoice = res.body.stages[2];
    expect(invoice.conversion).toBeCloseTo(2 / 3);
    expect(invoice.amounts).toEqual([{ currency: 'RUB', amount: 200, weighted: 160 }]);
    const summary = await admin.get(`/api/analytics/summary?from=${today}&to=${tomorrow}&tz=UTC`);
    expect(summary.body.crm.averageDealAmount).toEqual(
      expect.arrayContaining([expect.objectContaining({ currency: 'RUB' })]),
    );
  });
});
