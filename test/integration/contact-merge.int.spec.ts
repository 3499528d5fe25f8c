import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ContactMergeDto } from '@contracts/dto/contact-merge';
import { ContactMerge, type ContactRefOwners } from '@server/modules/contacts/contact-merge.service';
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

/** Where each record a client has points, as the database has it (what a merge moves and an undo moves back). */
interface Links {
  calls: string[];
  deals: string[];
  tasks: string[];
  notes: string[];
  leads: string[];
  phones: string[];
}

// Merging duplicate contacts on the real Postgres through the real app: everything the merged contact had moves to
// the kept one in one transaction, the audit record undoes it, and a failure halfway leaves every row where it was.
describe('contact merge', () => {
  let t: TestApp;
  let sup: ApiClient;
  let op: ApiClient;
  let supervisor: SeededUser;
  let operator: SeededUser;
  const prefix = suitePrefix('merge');
  const suffix = String(Date.now() % 100_000).padStart(5, '0');
  const shared = `+7916555${suffix.slice(0, 4)}`;
  const contactIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    supervisor = await createUser(t.dataSource, `${prefix}-sup`, 'supervisor');
    operator = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    sup = new ApiClient(t.baseUrl);
    await sup.login(supervisor.login, TEST_PASSWORD);
    op = new ApiClient(t.baseUrl);
    await op.login(operator.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t.dataSource.query('DELETE FROM calls WHERE contact_id = ANY($1)', [contactIds]);
    await t.dataSource.query('DELETE FROM contacts WHERE id = ANY($1)', [contactIds]);
    await deleteUsers(t.dataSource, [supervisor.id, operator.id]);
    await t.close();
  });

  /** A client with one of everything: a call, a deal, a task, a note, a lead and two numbers (one shared). */
  const client = async (name: string, own: string, extra: Record<string, unknown> = {}) => {
    const made = await sup.post('/api/contacts', { name, phones: [{ raw: shared }, { raw: own }], ...extra });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id: string = made.body.id;
    contactIds.push(id);
    await t.dataSource.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at, contact_id)
       VALUES ($1, 'ami', 'inbound', $2, '100', now(), $3)`,
      [randomUUID(), own, id],
    );
    expect((await sup.post('/api/deals', { title: `${name} deal`, contactId: id })).status).toBe(201);
    expect((await sup.post('/api/tasks', { title: `${name} task`, entityType: 'contact', entityId: id })).status).toBe(
      201,
    );
    expect((await sup.post('/api/notes', { body: `${name} note`, entityType: 'contact', entityId: id })).status).toBe(
      201,
    );
    const lead = await sup.post('/api/leads', { name: `${name} lead` });
    expect((await sup.patch(`/api/leads/${lead.body.id}`, { contactId: id })).status).toBe(200);
    return id;
  };
  const links = async (contactId: string): Promise<Links> => {
    const ids = async (sql: string) =>
      ((await t.dataSource.query(sql, [contactId])) as { id: string }[]).map((r) => String(r.id)).sort();
    return {
      calls: await ids('SELECT id FROM calls WHERE contact_id = $1'),
      deals: await ids('SELECT id FROM deals WHERE contact_id = $1'),
      tasks: await ids(`SELECT id FROM tasks WHERE entity_type = 'contact' AND entity_id = $1`),
      notes: await ids(`SELECT id FROM notes WHERE entity_type = 'contact' AND entity_id = $1`),
      leads: await ids('SELECT id FROM leads WHERE contact_id = $1'),
      phones: await ids('SELECT id FROM contact_phones WHERE contact_id = $1'),
    };
  };
  const merges = async (targetId: string) =>
    t.dataSource.query(`SELECT id FROM audit_log WHERE action = 'contact.merge' AND entity_id = $1`, [targetId]);

  it('refuses a merge into itself (400), an unknown source (404) and an operator (403)', async () => {
    const id = await client(`${prefix} Один`, `+7916556${suffix.slice(0, 4)}`);
    const self = await sup.post(`/api/contacts/${id}/merge`, { sourceId: id });
    expect(self.status).toBe(400);
    expect(self.body.error).toMatchObject({ code: 'CONTACT_MERGE_SELF', details: { field: 'sourceId' } });
    const unknown = await sup.post(`/api/contacts/${id}/merge`, { sourceId: randomUUID() });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'CONTACT_NOT_FOUND']);
    expect((await sup.post(`/api/contacts/${id}/merge`, { sourceId: 'nope' })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await op.post(`/api/contacts/${id}/merge`, { sourceId: randomUUID() })).status).toBe(403);
    expect((await sup.post('/api/contacts/merges/999999999999/undo')).status).toBe(404);
    expect((await sup.post('/api/contacts/merges/abc/undo')).status).toBe(400);
  });

  it('a failure halfway (an injected owner that throws after the others moved their rows) changes nothing', async () => {
    const target = await client(`${prefix} Цель`, `+7916557${suffix.slice(0, 4)}`);
    const source = await client(`${prefix} Источник`, `+7916558${suffix.slice(0, 4)}`);
    const before = [await links(target), await links(source)];
    const s = t.services;
    const owners: ContactRefOwners = {
      calls: s.calls.contactRefs,
      deals: s.deals.contactRefs,
      tasks: s.tasks.contactRefs,
      notes: s.notes.contactRefs,
      leads: s.leads.contactRefs,
      // Last, so every other owner (and the phones) has moved its rows when this throws.
      formSubmissions: {
        moveContactRefs: async () => {
          throw new Error('injected failure');
        },
        restoreContactRefs: async () => undefined,
      },
    };
    const failing = new ContactMerge({ dataSource: t.dataSource, contacts: s.contacts, audit: s.audit, owners });
    const viewer = { id: supervisor.id, role: 'supervisor' as const, login: supervisor.login, name: 'sup' };
    await expect(failing.merge(viewer as never, target, source)).rejects.toThrow('injected failure');

    expect([await links(target), await links(source)]).toEqual(before);
    expect(before[1]!.calls).toHaveLength(1);
    expect((await sup.get(`/api/contacts/${source}`)).status).toBe(200);
    expect(await merges(target)).toEqual([]);
  });

  it('moves everything to the kept contact, and the undo from the audit record puts it all back', async () => {
    const target = await client(`${prefix} Оставить`, `+7916559${suffix.slice(0, 4)}`);
    const source = await client(`${prefix} Дубль`, `+7916550${suffix.slice(0, 4)}`, {
      email: `${prefix}@example.com`,
      doNotCall: true,
    });
    const [t0, s0] = [await links(target), await links(source)];

    const res = await sup.post<ContactMergeDto>(`/api/contacts/${target}/merge`, { sourceId: source });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.moved).toEqual({ calls: 1, deals: 1, tasks: 1, notes: 1, leads: 1, formSubmissions: 0, phones: 1 });
    // The kept contact lacked an e-mail and do-not-call: it takes them; the shared number is kept once.
    expect(res.body.contact).toMatchObject({ id: target, email: `${prefix}@example.com`, doNotCall: true });
    expect(res.body.contact.phones.map((p) => p.e164).sort()).toEqual(
      [shared, `+7916559${suffix.slice(0, 4)}`, `+7916550${suffix.slice(0, 4)}`].sort(),
    );
    expect((await sup.get(`/api/contacts/${source}`)).status).toBe(404);
    const merged = await links(target);
    for (const kind of ['calls', 'deals', 'tasks', 'notes', 'leads'] as const) {
      expect(merged[kind]).toEqual([...t0[kind], ...s0[kind]].sort());
    }
    const audit = await merges(target);
    expect(audit.map((r: { id: string }) => String(r.id))).toEqual([res.body.mergeId]);

    const undo = await sup.post(`/api/contacts/merges/${res.body.mergeId}/undo`);
    expect(undo.status, JSON.stringify(undo.body)).toBe(200);
    expect(undo.body.restored).toMatchObject({ id: source, email: `${prefix}@example.com`, doNotCall: true });
    expect(undo.body.kept).toMatchObject({ id: target, email: null, doNotCall: false });
    const [t1, s1] = [await links(target), await links(source)];
    expect({ ...t1, phones: t1.phones.length }).toEqual({ ...t0, phones: 2 });
    expect({ ...s1, phones: s1.phones.length }).toEqual({ ...s0, phones: 2 });

    const again = await sup.post(`/api/contacts/merges/${res.body.mergeId}/undo`);
    expect([again.status, again.body.error.code]).toEqual([409, 'MERGE_ALREADY_UNDONE']);
  });

  it('the duplicate check names the other contacts with a number, and only counts those the viewer may not see', async () => {
    const id = await client(`${prefix} Дубликат`, `+7916551${suffix.slice(0, 4)}`);
    const bySup = await sup.get(`/api/contacts/duplicates?phone=${encodeURIComponent(shared)}&exceptId=${id}`);
    expect(bySup.status).toBe(200);
    expect(bySup.body.items.length).toBeGreaterThan(0);
    expect(bySup.body.items.some((c: { id: string }) => c.id === id)).toBe(false);
    const byOp = await op.get(`/api/contacts/duplicates?phone=${encodeURIComponent(shared)}`);
    expect(byOp.body).toEqual({ items: [], hidden: bySup.body.items.length + 1 });
    expect((await op.get('/api/contacts/duplicates?phone=1')).status).toBe(400);
  });
});
