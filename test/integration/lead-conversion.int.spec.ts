import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ErrorBody } from '@contracts/error-codes';
import { type ConvertLeadResponse, type LeadDto } from '@contracts/dto/lead';
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
 * Leads that become clients (issue #12, item 6) on the real Postgres: `POST /api/leads/:id/convert` makes the contact
 * (or takes an existing one) and optionally the first deal, links the lead to both, all in one transaction.
 */
describe('lead conversion: a lead becomes a contact and a first deal in one step', () => {
  let t: TestApp;
  let opA: SeededUser;
  let opB: SeededUser;
  const api: Record<string, ApiClient> = {};
  const as = (u: SeededUser) => api[u.id]!;
  const suffix = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  let phoneSeq = 0;
  const leadIds: string[] = [];
  const contactIds: string[] = [];

  const newLead = async (u: SeededUser, name: string): Promise<LeadDto> => {
    const res = await as(u).post<LeadDto>('/api/leads', {
      name: `${name} ${suffix}`,
      phone: `+7915${suffix.slice(1)}${phoneSeq++}`,
    });
    expect(res.status).toBe(201);
    leadIds.push(res.body.id);
    return res.body;
  };
  const convert = (u: SeededUser, id: string, body: unknown) =>
    as(u).post<ConvertLeadResponse & ErrorBody>(`/api/leads/${id}/convert`, body);

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('lead-convert');
    opA = await createUser(t.dataSource, `${p}-a`, 'operator');
    opB = await createUser(t.dataSource, `${p}-b`, 'operator');
    for (const u of [opA, opB]) {
      api[u.id] = new ApiClient(t.baseUrl);
      await api[u.id]!.login(u.login, TEST_PASSWORD);
    }
  });

  afterAll(async () => {
    await t.dataSource.query('DELETE FROM leads WHERE id = ANY($1)', [leadIds]);
    await t.dataSource.query('DELETE FROM contacts WHERE id = ANY($1)', [contactIds]);
    await deleteUsers(t.dataSource, [opA.id, opB.id]);
    await t.close();
  });

  it('makes a new contact with the lead’s number and a first deal, and links the lead to both', async () => {
    const lead = await newLead(opA, 'Вера');
    const res = await convert(opA, lead.id, {
      contact: { name: `Вера Клиент ${suffix}` },
      deal: { title: `Первая сделка ${suffix}`, amount: '5000' },
    });
    expect(res.status).toBe(200);
    const { contact, deal } = res.body;
    contactIds.push(contact.id);
    expect(contact.phones.map((ph) => ph.e164)).toEqual([lead.phoneE164]);
    expect(contact.ownerId).toBe(opA.id);
    expect(deal).toMatchObject({ contactId: contact.id, ownerId: opA.id, amount: '5000.00', stage: 'new' });
    expect(res.body.lead).toMatchObject({ status: 'converted', contactId: contact.id, dealId: deal!.id });
    expect(res.body.lead.convertedAt).not.toBeNull();

    // The lead reads back linked, the deal's history starts with its creation, the contact's timeline says so.
    expect((await as(opA).get<LeadDto>(`/api/leads/${lead.id}`)).body).toMatchObject({ dealId: deal!.id });
    const history = await as(opA).get<{ items: { fromStage: string | null; toStage: string }[] }>(
      `/api/deals/${deal!.id}/history`,
    );
    expect(history.body.items.map((h) => [h.fromStage, h.toStage])).toEqual([[null, 'new']]);
    const timeline = await as(opA).get<TimelinePage>(
      `/api/timeline?entityType=contact&entityId=${contact.id}&kinds=lead`,
    );
    expect(timeline.body.items.map((i) => (i.kind === 'lead' ? i.event : i.kind))).toContain('converted');

    const again = await convert(opA, lead.id, { contactId: contact.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LEAD_ALREADY_CONVERTED');
  });

  it('converts into an existing contact without a deal', async () => {
    const lead = await newLead(opA, 'Глеб');
    const existing = await as(opA).post<{ id: string }>('/api/contacts', { name: `Глеб ${suffix}`, phones: [] });
    expect(existing.status).toBe(201);
    contactIds.push(existing.body.id);
    const res = await convert(opA, lead.id, { contactId: existing.body.id });
    expect(res.status).toBe(200);
    expect(res.body.deal).toBeNull();
    expect(res.body.lead).toMatchObject({ status: 'converted', contactId: existing.body.id, dealId: null });
  });

  it('a refused deal changes nothing: no contact is left behind and the lead stays open', async () => {
    const lead = await newLead(opA, 'Дарья');
    const name = `Дарья Откат ${suffix}`;
    const res = await convert(opA, lead.id, {
      contact: { name },
      deal: { title: `Сделка ${suffix}`, stage: 'no-such-stage' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.code).toBe('STAGE_NOT_FOUND');
    expect(await t.dataSource.query('SELECT 1 FROM contacts WHERE name = $1', [name])).toHaveLength(0);
    expect((await as(opA).get<LeadDto>(`/api/leads/${lead.id}`)).body).toMatchObject({
      status: 'new',
      contactId: null,
      dealId: null,
      convertedAt: null,
    });
  });

  it('refuses bad input with the error shape: both or neither contact, another operator’s contact', async () => {
    const lead = await newLead(opA, 'Ефим');
    const both = await convert(opA, lead.id, { contactId: lead.id, contact: { name: 'x' } });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
    expect((await convert(opA, lead.id, {})).status).toBe(400);

    const foreign = await as(opB).post<{ id: string }>('/api/contacts', { name: `Чужой ${suffix}`, phones: [] });
    contactIds.push(foreign.body.id);
    const hidden = await convert(opA, lead.id, { contactId: foreign.body.id });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error).toMatchObject({ code: 'LINKED_ENTITY_NOT_FOUND', details: { field: 'contactId' } });
    expect((await as(opA).get<LeadDto>(`/api/leads/${lead.id}`)).body.status).toBe('new');

    // Another operator's lead is not there for them.
    expect((await convert(opB, lead.id, { contact: { name: 'x' } })).status).toBe(404);
  });
});
