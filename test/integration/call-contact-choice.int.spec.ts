import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallCard, type ContactCallCard } from '@contracts/dto/call-card';
import { type CallEvent } from '@telephony';
import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { type ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, type SeededUser } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { inboundCall, party, randomRuNumber } from '@test/support/synthetic-calls';
import { FAST_WEBHOOKS, WebhookReceiver } from '@test/support/webhook-receiver';
import { connectOperator, type Received, startWebNode, type WebNode } from '@test/support/web-node';

// Several contacts share the caller's number (issue #12, item 8). Real PostgreSQL and Redis: the calls are rung
// through the RedisCallBus as the telephony worker publishes them, the node's pipeline pops the card on the
// operators' sockets, and the choice goes over HTTP. A webhook receiver on loopback gets the calls' `call.ended`.

describe('a card for a number several contacts share', () => {
  let node: WebNode;
  let redis: Redis;
  let bus: RedisCallBus;
  let operator: SeededUser;
  let colleague: SeededUser;
  let stranger: SeededUser;
  let supervisor: SeededUser;
  let admin: SeededUser;
  const receiver = new WebhookReceiver();
  let endpointId = '';
  let onOperator: Received[];
  let onColleague: Received[];
  let opApi: ApiClient;
  let strangerApi: ApiClient;
  let supApi: ApiClient;
  const closers: (() => void)[] = [];
  const callIds: string[] = [];
  const contactIds: string[] = [];
  let companyId = '';
  const number = randomRuNumber();
  const seq = Math.floor(100 + Math.random() * 899);
  const [ext, colleagueExt] = [`6${seq}`, `6${seq + 1}`];
  const names = ['Анна Общая', 'Борис Общий', 'Вера Общая'];
  let [anna, boris, vera, other] = ['', '', '', ''];

  beforeAll(async () => {
    await receiver.start();
    node = await startWebNode({ name: 'choice', redis: true, config: { webhooks: FAST_WEBHOOKS } });
    const prefix = suitePrefix('choice');
    operator = await createUser(node.dataSource, `${prefix}-op`, 'operator', ext);
    colleague = await createUser(node.dataSource, `${prefix}-op2`, 'operator', colleagueExt);
    stranger = await createUser(node.dataSource, `${prefix}-op3`, 'operator');
    supervisor = await createUser(node.dataSource, `${prefix}-sup`, 'supervisor');
    admin = await createUser(node.dataSource, `${prefix}-admin`, 'admin');
    const op = await connectOperator(node.baseUrl, operator.login);
    const op2 = await connectOperator(node.baseUrl, colleague.login);
    const op3 = await connectOperator(node.baseUrl, stranger.login);
    const sup = await connectOperator(node.baseUrl, supervisor.login);
    const adm = await connectOperator(node.baseUrl, admin.login);
    closers.push(
      () => op.socket.close(),
      () => op2.socket.close(),
      () => op3.socket.close(),
      () => sup.socket.close(),
      () => adm.socket.close(),
    );
    const endpoint = await adm.api.post<{ id: string }>('/api/webhooks', { url: receiver.url, events: ['call.ended'] });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    endpointId = endpoint.body.id;
    [onOperator, onColleague, opApi, strangerApi, supApi] = [op.received, op2.received, op.api, op3.api, sup.api];
    const company = await supApi.post<{ id: string }>('/api/companies', { name: `ООО Общий номер ${prefix}` });
    companyId = company.body.id;
    // One after the other, so Вера is the most recently updated: the card's automatic pick.
    for (const [i, name] of names.entries()) {
      const res = await supApi.post<{ id: string }>('/api/contacts', {
        name,
        companyId: i === 0 ? companyId : null,
        phones: [{ raw: number }],
      });
      expect(res.status).toBe(201);
      contactIds.push(res.body.id);
    }
    [anna, boris, vera] = contactIds as [string, string, string];
    const res = await supApi.post<{ id: string }>('/api/contacts', {
      name: 'Другой номер',
      phones: [{ raw: randomRuNumber() }],
    });
    other = res.body.id;
    contactIds.push(other);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    bus = new RedisCallBus({ redis, logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    for (const close of closers) close();
    if (node) {
      await node.dataSource.query('DELETE FROM webhook_endpoints WHERE id = $1', [endpointId || null]);
      await node.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
      await node.dataSource.query('DELETE FROM contacts WHERE id = ANY($1)', [contactIds]);
      await node.dataSource.query('DELETE FROM companies WHERE id = $1', [companyId || null]);
      await deleteUsers(
        node.dataSource,
        [operator, colleague, stranger, supervisor, admin].filter(Boolean).map((u) => u.id),
      );
      await node.close();
    }
    await bus?.close();
    await redis?.quit();
    await receiver.stop();
  });

  const publish = async (...events: CallEvent[]) => {
    for (const e of events) await bus.publish(e);
  };
  const popOf = async (screen: Received[], callId: string): Promise<ContactCallCard> => {
    const find = () => screen.find((r) => r.event === 'call:ringing' && r.payload.call.id === callId);
    await waitFor(async () => find() !== undefined, { what: `pop of ${callId}`, timeoutMs: 15_000, intervalMs: 50 });
    const card = find()!.payload.card as CallCard;
    expect(card.kind).toBe('contact');
    return card as ContactCallCard;
  };
  const stored = (callId: string, probe: (row: Record<string, unknown>) => boolean, what: string) =>
    waitFor(
      async () => {
        const [row] = (await node.dataSource.query('SELECT * FROM calls WHERE id = $1', [callId])) as Record<
          string,
          unknown
        >[];
        return row !== undefined && probe(row);
      },
      { what, timeoutMs: 15_000, intervalMs: 50 },
    );
  /** The contact the call's `call.ended` webhook names. */
  const hookedContact = async (callId: string) => {
    const find = () => receiver.of('call.ended').find((h) => h.json.data.callId === callId);
    await waitFor(async () => find() !== undefined, { what: `call.ended of ${callId}`, timeoutMs: 15_000 });
    return find()!.json.data.contactId;
  };
  const timelineCalls = async (contactId: string) => {
    const res = await supApi.get<{ items: { kind: string; call?: { id: string } }[] }>(
      `/api/timeline?entityType=contact&entityId=${contactId}`,
    );
    expect(res.status).toBe(200);
    return res.body.items.flatMap((i) => (i.kind === 'call' && i.call ? [i.call.id] : []));
  };

  it('lists the matches on the pop, keeps the pick for that call (pipeline, transfer, log, timeline), audits it', async () => {
    const call = inboundCall(party(number, number));
    callIds.push(call.callId);
    await publish(call.created(), call.ringing(ext));
    const pop = await popOf(onOperator, call.callId);
    expect(pop.contact.id).toBe(vera);
    expect(pop.matches).toMatchObject({ total: 3, chosen: false });
    expect(pop.matches!.contacts.map((c) => c.name).sort()).toEqual([...names].sort());
    const annaMatch = pop.matches!.contacts.find((c) => c.id === anna)!;
    expect(annaMatch.company?.id).toBe(companyId);
    expect(annaMatch.lastCallAt).toBeNull();

    // The pop goes out before the call's row is written (in a batch right after): the pick is of a stored call.
    await waitFor(
      async () =>
        (
          (await node.dataSource.query('SELECT 1 FROM call_legs WHERE call_id = $1 AND user_id = $2', [
            call.callId,
            operator.id,
          ])) as unknown[]
        ).length > 0,
      { what: 'the ring stored', timeoutMs: 15_000, intervalMs: 50 },
    );
    const chosen = await opApi.request<ContactCallCard>('PUT', `/api/calls/${call.callId}/contact`, {
      contactId: boris,
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.contact).toMatchObject({ id: boris, name: 'Борис Общий' });
    expect(chosen.body.matches).toMatchObject({ total: 3, chosen: true });

    // The pipeline still holds its own first match in memory and rewrites the row on every event: the pick stays.
    await publish(call.answered(ext));
    await stored(call.callId, (row) => row.status === 'answered', 'the answer stored');
    const reloaded = await opApi.get<ContactCallCard>(`/api/calls/${call.callId}/card`);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.contact.id).toBe(boris);
    expect(reloaded.body.matches?.chosen).toBe(true);

    // A transfer pops the chosen contact on the colleague's screen.
    await publish(call.transferred(ext, colleagueExt));
    const moved = await popOf(onColleague, call.callId);
    expect(moved.contact.id).toBe(boris);
    expect(moved.matches?.chosen).toBe(true);

    await publish(call.ended(true));
    await stored(call.callId, (row) => row.status === 'ended', 'the end stored');
    const wrapUp = await opApi.patch<{ contactId: string }>(`/api/calls/${call.callId}/wrap-up`, {
      outcome: 'resolved',
      note: 'Это был Борис',
    });
    expect(wrapUp.status).toBe(200);
    expect(wrapUp.body.contactId).toBe(boris);
    const logged = await supApi.get<{ contactId: string }>(`/api/calls/${call.callId}`);
    expect(logged.body.contactId).toBe(boris);
    // The pipeline decided the end with its own first match in memory; the webhook names the operator's pick.
    expect(await hookedContact(call.callId)).toBe(boris);

    expect(await timelineCalls(boris)).toContain(call.callId);
    expect(await timelineCalls(vera)).not.toContain(call.callId);

    const audit = (await node.dataSource.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'call.contact.choose' AND entity_id = $1`,
      [call.callId],
    )) as { actor_id: string; details: Record<string, unknown> }[];
    expect(audit).toEqual([{ actor_id: operator.id, details: { from: vera, to: boris, matches: 3 } }]);
  });

  it("the next call from the number is matched afresh, and shows the chosen contact's last call", async () => {
    const [first] = (await node.dataSource.query('SELECT started_at FROM calls WHERE id = $1', [callIds[0]])) as {
      started_at: Date;
    }[];
    const call = inboundCall(party(number, number));
    callIds.push(call.callId);
    await publish(call.created(), call.ringing(ext));
    const pop = await popOf(onOperator, call.callId);
    expect(pop.contact.id).toBe(vera);
    expect(pop.matches?.chosen).toBe(false);
    const borisMatch = pop.matches!.contacts.find((c) => c.id === boris)!;
    expect(borisMatch.lastCallAt).toBe(first!.started_at.toISOString());
    await publish(call.ended(false));
    await stored(call.callId, (row) => row.status === 'ended', 'the end stored');
    expect((await supApi.get<{ contactId: string }>(`/api/calls/${call.callId}`)).body.contactId).toBe(vera);
    expect(await hookedContact(call.callId)).toBe(vera);
  });

  it('refuses a contact without the number, bad input, and callers the call did not reach', async () => {
    const [callId] = callIds as [string];
    const notAMatch = await opApi.request('PUT', `/api/calls/${callId}/contact`, { contactId: other });
    expect(notAMatch.status).toBe(409);
    expect(notAMatch.body.error.code).toBe('CONTACT_NOT_A_MATCH');
    const malformed = await opApi.request('PUT', `/api/calls/${callId}/contact`, { contactId: 'Борис' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    const unknownCall = await opApi.request('PUT', `/api/calls/${crypto.randomUUID()}/contact`, { contactId: anna });
    expect(unknownCall.status).toBe(404);
    expect(unknownCall.body.error.code).toBe('CALL_NOT_FOUND');
    const notReached = await strangerApi.request('PUT', `/api/calls/${callId}/contact`, { contactId: anna });
    expect(notReached.status).toBe(404);
    expect((await strangerApi.get(`/api/calls/${callId}/card`)).status).toBe(404);
    // Nothing changed: still Борис, one audit row.
    expect((await supApi.get<{ contactId: string }>(`/api/calls/${callId}`)).body.contactId).toBe(boris);
    const [{ n }] = (await node.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'call.contact.choose' AND entity_id = $1`,
      [callId],
    )) as [{ n: number }];
    expect(n).toBe(1);
  });
});
