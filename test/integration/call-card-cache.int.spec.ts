import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestNode,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { inboundCall, party, randomRuNumber } from '@test/support/synthetic-calls';
import { connectOperator, type Received } from '@test/support/web-node';

/**
 * The card the pipeline pops for a known caller is cached on the deciding node and costs no query; a write on any
 * node evicts it through the database's change notifications. Two nodes on the real Postgres: B decides the calls,
 * A (another process's worth of pool and listener) takes the CRM edits.
 */
describe('screen-pop card cache: an edit on any node shows on the next card (real Postgres, LISTEN/NOTIFY)', () => {
  let a: TestApp;
  let b: TestApp;
  let operator: SeededUser;
  let screen: Received[];
  let crm: ApiClient;
  const callIds: string[] = [];
  const closers: (() => void)[] = [];
  const extension = `6${Math.floor(100 + Math.random() * 900)}`;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestNode({}, { name: 'crm' }), startTestNode({}, { name: 'calls' })]);
    operator = await createUser(a.dataSource, `${suitePrefix('card-cache')}-op`, 'operator', extension);
    const op = await connectOperator(b.baseUrl, operator.login);
    closers.push(() => op.socket.close());
    screen = op.received;
    crm = new ApiClient(a.baseUrl);
    await crm.login(operator.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    for (const close of closers) close();
    await a.dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
    await a.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    await deleteUsers(a.dataSource, [operator.id]);
    await Promise.all([a?.close(), b?.close()]);
  });

  /** One call from `number` ringing at our operator, decided on node B; resolves with the card it popped. */
  const ring = async (number: string) => {
    const call = inboundCall(party(number, number));
    callIds.push(call.callId);
    for (const event of [call.created(), call.ringing(extension)]) await b.node.bus.publish(event);
    let pop: Received | undefined;
    await waitFor(
      async () =>
        (pop = screen.find((r) => r.event === 'call:ringing' && r.payload.call.id === call.callId)) !== undefined,
      { what: 'the pop', timeoutMs: 10_000, intervalMs: 20 },
    );
    return pop!.payload.card;
  };
  /** Lets a committed write's notification reach node B (the bound: an edit one second before the ring). */
  const aSecondLater = () => new Promise((r) => setTimeout(r, 1000));

  it('a contact renamed on node A shows renamed on the next card node B pops; in between, B served it from memory', async () => {
    const number = randomRuNumber();
    const created = await crm.post<{ id: string }>('/api/contacts', { name: 'Старое Имя', phones: [{ raw: number }] });
    expect(created.status).toBe(201);
    await aSecondLater();
    expect((await ring(number)).contact.name).toBe('Старое Имя');
    const hitsBefore = b.node.cards.cache.hits;
    expect((await ring(number)).contact.name).toBe('Старое Имя');
    expect(b.node.cards.cache.hits).toBeGreaterThan(hitsBefore); // the second card cost no query

    expect((await crm.patch(`/api/contacts/${created.body.id}`, { name: 'Новое Имя' })).status).toBe(200);
    await aSecondLater();
    expect((await ring(number)).contact.name).toBe('Новое Имя');

    // A task and a note added on A show on B's next card too.
    await crm.post('/api/tasks', {
      title: 'Перезвонить по договору',
      entityType: 'contact',
      entityId: created.body.id,
    });
    await crm.post('/api/notes', {
      body: 'Просил звонить после обеда',
      entityType: 'contact',
      entityId: created.body.id,
    });
    await aSecondLater();
    const card = await ring(number);
    expect(card.openTasks.map((t: { title: string }) => t.title)).toContain('Перезвонить по договору');
    expect(card.contact.notes).toContain('Просил звонить после обеда');
    await a.dataSource.query('DELETE FROM contacts WHERE id = $1', [created.body.id]);
  });

  it('a number added to a contact on node A is that contact on the next call, not a new lead', async () => {
    const number = randomRuNumber();
    expect((await ring(number)).kind).toBe('lead'); // unknown: a lead, and "nobody" is cached for the number
    const created = await crm.post<{ id: string }>('/api/contacts', { name: 'Нашёлся', phones: [{ raw: number }] });
    await aSecondLater();
    const card = await ring(number);
    expect(card).toMatchObject({ kind: 'contact', contact: { id: created.body.id, name: 'Нашёлся' } });
    await a.dataSource.query('DELETE FROM contacts WHERE id = $1', [created.body.id]);
    await a.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  });

  it("a lead's notes on its next card: the newest three, newest first, in one text", async () => {
    const number = randomRuNumber();
    const first = await ring(number);
    expect(first).toMatchObject({ kind: 'lead', lead: { notes: null } });
    // The lead is the operator's to see once the call's leg (the ring) is stored, just after the pop.
    const note = (body: string) => crm.post('/api/notes', { body, entityType: 'lead', entityId: first.lead.id });
    await waitFor(async () => (await note('первая')).status === 201, { what: 'the first note', timeoutMs: 5_000 });
    for (const body of ['вторая', 'третья', 'четвёртая']) {
      await new Promise((r) => setTimeout(r, 5)); // distinct created_at, so "newest" is defined
      expect((await note(body)).status).toBe(201);
    }
    await aSecondLater();
    expect((await ring(number)).lead.notes).toBe('четвёртая\n\nтретья\n\nвторая');
    await a.dataSource.query('DELETE FROM notes WHERE entity_id = $1', [first.lead.id]);
    await a.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  });
});
