import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type TimelinePage } from '@contracts/dto/timeline';
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

/**
 * What the lead, deal, task and company pages call (issue #12), on the real Postgres: a company handed to another
 * user like the other records (audited, in its timeline, refused for inactive users, operators and unknown ids), and
 * the reads and writes of the record pages answering unknown or malformed ids with the error shape.
 */
describe('record pages: company reassignment, lead/deal/task pages, bad ids', () => {
  let t: TestApp;
  const users = {} as Record<'opA' | 'opB' | 'sup' | 'gone', SeededUser>;
  const api = {} as Record<keyof typeof users, ApiClient>;
  let company = '';

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('rp');
    for (const [key, role] of [
      ['opA', 'operator'],
      ['opB', 'operator'],
      ['sup', 'supervisor'],
      ['gone', 'operator'],
    ] as const) {
      users[key] = await createUser(t.dataSource, `${p}-${key.toLowerCase()}`, role);
      api[key] = new ApiClient(t.baseUrl);
      await api[key].login(`${p}-${key.toLowerCase()}`, TEST_PASSWORD);
    }
    await t.dataSource.query('UPDATE users SET active = false WHERE id = $1', [users.gone.id]);
    company = (await api.opA.post('/api/companies', { name: `Ромашка ${p}` })).body.id as string;
  });

  afterAll(async () => {
    if (!t) return;
    await t.dataSource.query(`DELETE FROM audit_log WHERE entity_id = $1`, [company || null]);
    await t.dataSource.query(`DELETE FROM companies WHERE id = $1`, [company || null]);
    await deleteUsers(
      t.dataSource,
      Object.values(users).map((u) => u.id),
    );
    await t.close();
  });

  it('a supervisor gives a company to another operator: audited, in the company’s timeline, the new owner sees it', async () => {
    expect((await api.opB.get(`/api/companies/${company}`)).status).toBe(404);
    const res = await api.sup.post(`/api/companies/${company}/reassign`, { userId: users.opB.id });
    expect(res.status).toBe(200);
    expect(res.body.ownerId).toBe(users.opB.id);
    expect((await api.opB.get(`/api/companies/${company}`)).status).toBe(200);
    const audit = (await t.dataSource.query(
      `SELECT action, actor_id, details FROM audit_log WHERE entity = 'company' AND entity_id = $1`,
      [company],
    )) as { action: string; actor_id: string; details: unknown }[];
    expect(audit).toEqual([
      { action: 'company.reassign', actor_id: users.sup.id, details: { from: users.opA.id, to: users.opB.id } },
    ]);
    const timeline = await api.sup.get<TimelinePage>(
      `/api/timeline?entityType=company&entityId=${company}&kinds=owner`,
    );
    expect(timeline.status).toBe(200);
    expect(
      timeline.body.items.map((i) => i.kind === 'owner' && [i.record.entityType, i.record.id, i.from?.id, i.to?.id]),
    ).toEqual([['company', company, users.opA.id, users.opB.id]]);
    // The same owner again changes nothing and audits nothing.
    expect((await api.sup.post(`/api/companies/${company}/reassign`, { userId: users.opB.id })).status).toBe(200);
    expect(
      (await t.dataSource.query(`SELECT 1 FROM audit_log WHERE entity = 'company' AND entity_id = $1`, [company]))
        .length,
    ).toBe(1);
  });

  it('refuses an inactive user (409), an unknown user (400), an operator (403), an unknown company (404)', async () => {
    const inactive = await api.sup.post(`/api/companies/${company}/reassign`, { userId: users.gone.id });
    expect(inactive.status).toBe(409);
    expect(inactive.body.error).toMatchObject({ code: 'USER_INACTIVE', details: { field: 'userId' } });
    // A staff PATCH naming a new owner is a reassignment too, with the same rule.
    const patch = await api.sup.patch(`/api/companies/${company}`, { ownerId: users.gone.id });
    expect(patch.status).toBe(409);
    expect(patch.body.error).toMatchObject({ code: 'USER_INACTIVE', details: { field: 'ownerId' } });
    const unknownUser = await api.sup.post(`/api/companies/${company}/reassign`, { userId: randomUUID() });
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.body.error.code).toBe('USER_NOT_FOUND');
    const byOperator = await api.opB.post(`/api/companies/${company}/reassign`, { userId: users.opA.id });
    expect(byOperator.status).toBe(403);
    expect(byOperator.body.error.code).toBe('FORBIDDEN');
    const missing = await api.sup.post(`/api/companies/${randomUUID()}/reassign`, { userId: users.opA.id });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('COMPANY_NOT_FOUND');
    const badId = await api.sup.post(`/api/companies/not-a-uuid/reassign`, { userId: users.opA.id });
    expect(badId.status).toBe(400);
    const badBody = await api.sup.post(`/api/companies/${company}/reassign`, { userId: 'me' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.code).toBe('VALIDATION_FAILED');
    // Nothing changed.
    expect((await api.sup.get(`/api/companies/${company}`)).body.ownerId).toBe(users.opB.id);
  });

  it('the lead, deal and task pages answer an unknown id with 404 and a malformed one with 400', async () => {
    const unknown = randomUUID();
    const cases: [string, string, number, string][] = [
      ['get', `/api/leads/${unknown}`, 404, 'LEAD_NOT_FOUND'],
      ['get', `/api/deals/${unknown}`, 404, 'DEAL_NOT_FOUND'],
      ['get', `/api/deals/${unknown}/history`, 404, 'DEAL_NOT_FOUND'],
      ['get', `/api/tasks/${unknown}`, 404, 'TASK_NOT_FOUND'],
      ['get', `/api/leads/nope`, 400, 'VALIDATION_FAILED'],
      ['get', `/api/deals/nope/history`, 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, path, status, code] of cases) {
      const res = method === 'get' ? await api.sup.get(path) : await api.sup.post(path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
    }
    const convert = await api.sup.post(`/api/leads/${unknown}/convert`, { contact: { name: 'Никто' } });
    expect(convert.status).toBe(404);
    expect(convert.body.error.code).toBe('LEAD_NOT_FOUND');
  });

  it('a lead converted from its page becomes a contact plus a first deal, linked both ways; a second time is 409', async () => {
    // Seven digits always: a clock ending in 0xxxxxx once made a ten-digit number, refused as no phone.
    const phone = `+7903${String(Date.now() % 1e7).padStart(7, '0')}`;
    const lead = await api.opA.post('/api/leads', { name: 'Пётр с сайта', phone });
    expect(lead.status).toBe(201);
    const res = await api.opA.post(`/api/leads/${lead.body.id}/convert`, {
      contact: { name: 'Пётр Новиков' },
      deal: { title: 'Первый заказ', amount: '5000' },
    });
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({
      status: 'converted',
      contactId: res.body.contact.id,
      dealId: res.body.deal.id,
    });
    expect(res.body.deal).toMatchObject({ contactId: res.body.contact.id, amount: '5000.00' });
    const page = await api.opA.get(`/api/leads/${lead.body.id}`);
    expect(page.body).toMatchObject({ contactId: res.body.contact.id, dealId: res.body.deal.id });
    const again = await api.opA.post(`/api/leads/${lead.body.id}/convert`, { contact: { name: 'Ещё раз' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LEAD_ALREADY_CONVERTED');
  });
});
