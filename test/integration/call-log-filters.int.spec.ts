import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
import { seedCall } from '@test/support/call-events';

/** The call log's extra filters on GET /api/calls: direction, disposition and (supervisors) operator. */
describe('call log filters (real Postgres)', () => {
  let t: TestApp;
  let op1: SeededUser;
  let op2: SeededUser;
  let sup: SeededUser;
  const clients: Record<string, ApiClient> = {};
  const callIds: string[] = [];
  const digits = String(Math.floor(1_000_000 + Math.random() * 8_999_999));
  const phone = `+7917${digits}`;
  const ext = (n: number) => String(700_000 + Math.floor(Math.random() * 200_000) + n);
  let byOp1: string;
  let byOp2: string;
  let missed: string;

  const ids = async (who: string, query: string) => {
    const res = await clients[who]!.get(`/api/calls?phone=${encodeURIComponent(phone)}&${query}`);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((i) => i.id);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('calllog');
    const ext1 = ext(1);
    const ext2 = ext(2);
    op1 = await createUser(t.dataSource, `${p}-op1`, 'operator', ext1);
    op2 = await createUser(t.dataSource, `${p}-op2`, 'operator', ext2);
    sup = await createUser(t.dataSource, `${p}-sup`, 'supervisor');
    for (const u of [op1, op2, sup]) {
      clients[u.login] = new ApiClient(t.baseUrl);
      await clients[u.login]!.login(u.login, TEST_PASSWORD);
    }
    const at = (d: string) => `2032-02-0${d}T10:00:00Z`;
    byOp1 = await seedCall(t.dataSource, { fromRaw: phone, fromE164: phone, startedAt: at('1'), answeredBy: ext1 });
    byOp2 = await seedCall(t.dataSource, { fromRaw: phone, fromE164: phone, startedAt: at('2'), answeredBy: ext2 });
    missed = await seedCall(t.dataSource, { fromRaw: phone, fromE164: phone, startedAt: at('3') });
    callIds.push(byOp1, byOp2, missed);
  });
  afterAll(async () => {
    await t.dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
    await t.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    await deleteUsers(t.dataSource, [op1.id, op2.id, sup.id]);
    await t.close();
  });

  it('filters by direction and disposition', async () => {
    expect(await ids(sup.login, 'direction=inbound')).toEqual([missed, byOp2, byOp1]);
    expect(await ids(sup.login, 'direction=outbound')).toEqual([]);
    expect(await ids(sup.login, 'disposition=missed')).toEqual([missed]);
    expect(await ids(sup.login, 'disposition=answered')).toEqual([byOp2, byOp1]);
  });

  it('lets a supervisor filter by the operator who handled the call', async () => {
    expect(await ids(sup.login, `operatorId=${op1.id}`)).toEqual([byOp1]);
    expect(await ids(sup.login, `operatorId=${op2.id}&disposition=answered`)).toEqual([byOp2]);
  });

  it('ignores the operator filter for operators, who only ever see their own calls', async () => {
    expect(await ids(op2.login, `operatorId=${op1.id}`)).toEqual([byOp2]);
  });

  it('rejects unknown values', async () => {
    const res = await clients[sup.login]!.get('/api/calls?direction=sideways');
    expect(res.status).toBe(400);
  });
});
