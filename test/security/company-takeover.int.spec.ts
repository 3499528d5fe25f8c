import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

/**
 * Issue #21 item 4: a body may not name a record its sender may not see. A company is visible through its
 * contacts, so attaching a contact to a stranger's company used to hand the whole company (and its private notes)
 * to the attacker. A hidden id must answer exactly like an id that does not exist, so ids cannot be probed.
 */
describe('security: foreign keys in a body must be visible to the sender (company takeover through a contact)', () => {
  let t: TestApp;
  let attacker: SeededUser;
  let victim: SeededUser;
  let supervisor: SeededUser;
  const as = new Map<string, ApiClient>();
  const client = (u: SeededUser) => as.get(u.id)!;
  let company: { id: string; name: string };
  let victimContact: string;

  beforeAll(async () => {
    t = await startTestApp();
    const prefix = suitePrefix('fk');
    attacker = await createUser(t.dataSource, `${prefix}-op1`, 'operator');
    victim = await createUser(t.dataSource, `${prefix}-op2`, 'operator');
    supervisor = await createUser(t.dataSource, `${prefix}-sup`, 'supervisor');
    for (const u of [attacker, victim, supervisor]) {
      const c = new ApiClient(t.baseUrl);
      await c.login(u.login, TEST_PASSWORD);
      as.set(u.id, c);
    }
    company = (await client(victim).post('/api/companies', { name: `${prefix} Victim LLC` })).body;
    expect(company.id).toBeTruthy();
    const note = await client(victim).post('/api/notes', {
      body: 'private: margin 40%',
      entityType: 'company',
      entityId: company.id,
    });
    expect(note.status).toBe(201);
    victimContact = (await client(victim).post('/api/contacts', { name: `${prefix} Victim contact` })).body.id;
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [attacker.id, victim.id, supervisor.id]);
    await t.close();
  });

  it('POST /api/contacts with a hidden companyId answers like a missing one, and the company stays out of reach', async () => {
    const op = client(attacker);
    expect((await op.get(`/api/companies/${company.id}`)).status).toBe(404);

    const hidden = await op.post('/api/contacts', { name: 'Takeover', companyId: company.id });
    const missing = await op.post('/api/contacts', { name: 'Takeover', companyId: randomUUID() });
    expect(hidden.status).toBe(400);
    expect(hidden.body).toEqual(missing.body);
    expect(hidden.body.error).toMatchObject({ code: 'COMPANY_NOT_FOUND', details: { field: 'companyId' } });

    expect((await op.get(`/api/companies/${company.id}`)).status).toBe(404);
    expect((await op.patch(`/api/companies/${company.id}`, { name: 'Pwned' })).status).toBe(404);
    expect((await op.get(`/api/notes?entityType=company&entityId=${company.id}`)).status).toBe(404);
    expect((await op.delete(`/api/companies/${company.id}`)).status).toBe(404);
    const [row] = await t.dataSource.query('SELECT name FROM companies WHERE id = $1', [company.id]);
    expect(row).toEqual({ name: company.name });
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM contacts WHERE company_id = $1', [
      company.id,
    ]);
    expect(n).toBe(0);
  });

  it('PATCH of an own contact, deal or lead cannot point it at a hidden company or contact', async () => {
    const op = client(attacker);
    const contact = (await op.post('/api/contacts', { name: 'Mine' })).body;
    const patched = await op.patch(`/api/contacts/${contact.id}`, { companyId: company.id });
    expect(patched.status).toBe(400);
    expect(patched.body.error.code).toBe('COMPANY_NOT_FOUND');

    const deal = await op.post('/api/deals', { title: 'Mine', companyId: company.id });
    expect(deal.status).toBe(400);
    expect(deal.body.error).toMatchObject({ code: 'LINKED_ENTITY_NOT_FOUND', details: { field: 'companyId' } });
    const dealOnContact = await op.post('/api/deals', { title: 'Mine', contactId: victimContact });
    expect(dealOnContact.status).toBe(400);
    expect(dealOnContact.body.error).toMatchObject({ details: { field: 'contactId' } });
    const ownDeal = (await op.post('/api/deals', { title: 'Mine' })).body;
    const dealPatch = await op.patch(`/api/deals/${ownDeal.id}`, { contactId: victimContact });
    expect(dealPatch.status).toBe(400);

    const lead = (await op.post('/api/leads', { name: 'Mine' })).body;
    const leadPatch = await op.patch(`/api/leads/${lead.id}`, { contactId: victimContact });
    expect(leadPatch.status).toBe(400);
    expect(leadPatch.body.error).toMatchObject({ code: 'LINKED_ENTITY_NOT_FOUND', details: { field: 'contactId' } });

    const [{ n }] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM contacts WHERE company_id = $1) + (SELECT count(*) FROM deals WHERE company_id = $1
        OR contact_id = $2) + (SELECT count(*) FROM leads WHERE contact_id = $2) AS n`,
      [company.id, victimContact],
    );
    expect(Number(n)).toBe(0);
  });

  it('what the sender may see can still be linked: own records by an operator, anything by a supervisor', async () => {
    const op = client(attacker);
    const own = (await op.post('/api/companies', { name: 'Own LLC' })).body;
    const contact = await op.post('/api/contacts', { name: 'Mine too', companyId: own.id });
    expect(contact.status).toBe(201);
    const deal = await op.post('/api/deals', { title: 'Own deal', companyId: own.id, contactId: contact.body.id });
    expect(deal.status).toBe(201);

    const sup = await client(supervisor).post('/api/contacts', { name: 'Staff link', companyId: company.id });
    expect(sup.status).toBe(201);
    await client(supervisor).delete(`/api/contacts/${sup.body.id}`);
  });
});
