import { randomUUID } from 'node:crypto';

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

/**
 * Operators see their own clients plus whatever rang at them; supervisors and above see all.
 * Another operator's record answers 404 (not 403) so ids cannot be probed for existence.
 */
describe('row visibility by role (real Postgres)', () => {
  let t: TestApp;
  let alice: SeededUser;
  let bob: SeededUser;
  let sup: SeededUser;
  const a = () => new ApiClient(t.baseUrl);
  const clients: Record<string, ApiClient> = {};
  const prefix = suitePrefix('access');

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUser(t.dataSource, `${prefix}-alice`, 'operator');
    bob = await createUser(t.dataSource, `${prefix}-bob`, 'operator');
    sup = await createUser(t.dataSource, `${prefix}-sup`, 'supervisor');
    for (const u of [alice, bob, sup]) {
      clients[u.login] = a();
      await clients[u.login]!.login(u.login, TEST_PASSWORD);
    }
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [alice.id, bob.id, sup.id]);
    await t.close();
  });

  const as = (u: SeededUser) => clients[u.login]!;

  it("an operator gets 404 on another operator's contact; a supervisor sees it", async () => {
    const created = await as(alice).post('/api/contacts', {
      name: 'Клиент Алисы',
      phones: [{ raw: '+7 912 000-11-22' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.ownerId).toBe(alice.id);
    const id = created.body.id as string;

    expect((await as(alice).get(`/api/contacts/${id}`)).status).toBe(200);
    const denied = await as(bob).get(`/api/contacts/${id}`);
    expect(denied.status).toBe(404);
    expect(denied.body.error.code).toBe('CONTACT_NOT_FOUND');
    // Same answer as for an id that does not exist at all.
    const missing = await as(bob).get(`/api/contacts/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual(denied.body.error);
    expect((await as(bob).patch(`/api/contacts/${id}`, { name: 'hijack' })).status).toBe(404);
    expect((await as(bob).delete(`/api/contacts/${id}`)).status).toBe(404);
    const bobList = await as(bob).get(`/api/contacts?q=${encodeURIComponent('Клиент Алисы')}`);
    expect(bobList.body.total).toBe(0);

    const supView = await as(sup).get(`/api/contacts/${id}`);
    expect(supView.status).toBe(200);
    expect(supView.body.name).toBe('Клиент Алисы');
    expect((await as(sup).get(`/api/contacts?q=${encodeURIComponent('Клиент Алисы')}`)).body.total).toBe(1);
  });

  it('an operator sees a contact and a lead that rang at them', async () => {
    const contact = (await as(alice).post('/api/contacts', { name: 'Позвонил Бобу' })).body;
    const lead = (await as(alice).post('/api/leads', { phone: '+7 913 777-66-55' })).body;
    expect((await as(bob).get(`/api/contacts/${contact.id}`)).status).toBe(404);
    expect((await as(bob).get(`/api/leads/${lead.id}`)).status).toBe(404);
    await t.dataSource.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at, operator_id, contact_id, lead_id)
       VALUES ($1, 'ami', 'inbound', '89137776655', '100', now(), $2, $3, $4)`,
      [randomUUID(), bob.id, contact.id, lead.id],
    );
    expect((await as(bob).get(`/api/contacts/${contact.id}`)).status).toBe(200);
    expect((await as(bob).get(`/api/leads/${lead.id}`)).status).toBe(200);
  });

  it("deals, tasks and notes follow the owner's visibility", async () => {
    const contact = (await as(alice).post('/api/contacts', { name: 'Сделочный' })).body;
    const deal = await as(alice).post('/api/deals', { title: 'Поставка', amount: '1500.50', contactId: contact.id });
    expect(deal.status).toBe(201);
    expect(deal.body).toMatchObject({ amount: '1500.50', currency: 'RUB', stage: 'new' });
    expect((await as(bob).get(`/api/deals/${deal.body.id}`)).status).toBe(404);
    expect((await as(sup).get(`/api/deals/${deal.body.id}`)).status).toBe(200);

    const task = await as(alice).post('/api/tasks', {
      title: 'Перезвонить',
      kind: 'callback',
      dueAt: '2030-01-01T10:00:00+03:00',
      entityType: 'contact',
      entityId: contact.id,
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ assigneeId: alice.id, dueAt: '2030-01-01T07:00:00.000Z', doneAt: null });
    expect((await as(bob).get(`/api/tasks/${task.body.id}`)).status).toBe(404);
    const bobTask = await as(bob).post('/api/tasks', { title: 'x', entityType: 'contact', entityId: contact.id });
    expect(bobTask.status).toBe(400);
    expect(bobTask.body.error.code).toBe('LINKED_ENTITY_NOT_FOUND');
    const done = await as(alice).patch(`/api/tasks/${task.body.id}`, { done: true });
    expect(done.body.doneAt).not.toBeNull();

    const note = await as(alice).post('/api/notes', {
      body: 'Любит звонки утром',
      entityType: 'contact',
      entityId: contact.id,
    });
    expect(note.status).toBe(201);
    const q = `/api/notes?entityType=contact&entityId=${contact.id}`;
    expect((await as(alice).get(q)).body.items.map((n: { body: string }) => n.body)).toEqual(['Любит звонки утром']);
    expect((await as(bob).get(q)).status).toBe(404);
    expect((await as(sup).get(q)).body.total).toBe(1);
  });

  it('an operator cannot give a record to someone else; a supervisor can', async () => {
    const own = await as(alice).post('/api/contacts', { name: 'Моё', ownerId: bob.id });
    expect(own.body.ownerId).toBe(alice.id);
    const assigned = await as(sup).post('/api/contacts', { name: 'Для Боба', ownerId: bob.id });
    expect(assigned.body.ownerId).toBe(bob.id);
    expect((await as(bob).get(`/api/contacts/${assigned.body.id}`)).status).toBe(200);
    await t.dataSource.query(`DELETE FROM contacts WHERE owner_id = $1`, [bob.id]);
  });
});
