import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callCardSchema } from '@contracts/dto/call-card';
import { type CallEvent } from '@telephony';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { inboundCall, party, randomRuNumber, withheld } from '@test/support/synthetic-calls';
import {
  connectOperator,
  openSocket,
  startWebNode,
  type ClientSocket,
  type Received,
  type WebNode,
} from '@test/support/web-node';

// Screen pop behind the adapter: normalized events go through the real bus (Redis Stream), the real recorder on
// real Postgres and the real Socket.IO server to socket.io-client sockets logged in over REST. The live suite
// (screen-pop.int.spec.ts) covers the same path from real Asterisk calls.

const ext = () => `6${Math.floor(100 + Math.random() * 900)}`;

interface Operator {
  user: SeededUser;
  extension: string;
  socket: ClientSocket;
  received: Received[];
  api: ApiClient;
}

describe('realtime: Socket.IO screen pop through the real pipeline (Postgres, Redis)', () => {
  let node: WebNode;
  const users: SeededUser[] = [];
  let opA: Operator;
  let opB: Operator;
  let sup: Operator;
  const prefix = suitePrefix('pop');

  const seedOperator = async (role: 'operator' | 'supervisor'): Promise<Operator> => {
    const extension = ext();
    const user = await createUser(node.dataSource, `${prefix}-${role}-${extension}`, role, extension);
    users.push(user);
    const { socket, received, api } = await connectOperator(node.baseUrl, user.login);
    return { user, extension, socket, received, api };
  };

  beforeAll(async () => {
    node = await startWebNode({ name: 'rt', redis: true });
    opA = await seedOperator('operator');
    opB = await seedOperator('operator');
    sup = await seedOperator('supervisor');
  });
  afterAll(async () => {
    for (const o of [opA, opB, sup]) o?.socket.close();
    await deleteUsers(
      node.dataSource,
      users.map((u) => u.id),
    );
    await node.close();
  });

  const publish = async (...events: CallEvent[]) => {
    for (const e of events) await node.node.bus.publish(e);
  };
  const of = (o: Operator, event: string, callId: string) =>
    o.received.filter((r) => r.event === event && (r.payload.call?.id ?? r.payload.callId) === callId);
  const until = (what: string, probe: () => boolean, timeoutMs = 10_000) =>
    waitFor(async () => probe(), { what, timeoutMs, intervalMs: 20 });
  /** The pop goes out before its call is written (emit first): what reads the call's rows waits for the write. */
  const stored = (callId: string) =>
    waitFor(
      async () => ((await node.dataSource.query(`SELECT 1 FROM calls WHERE id = $1`, [callId])) as []).length > 0,
      { what: `call ${callId} stored`, timeoutMs: 5_000, intervalMs: 10 },
    );
  /** Lets anything that should NOT arrive have a fair chance to arrive. */
  const settle = () => new Promise((r) => setTimeout(r, 400));

  it('refuses a socket without a session, with a forged session, and from a foreign origin', async () => {
    await expect(openSocket(node.baseUrl, undefined)).rejects.toMatchObject({
      message: 'UNAUTHORIZED',
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(openSocket(node.baseUrl, 'zv_session=forged')).rejects.toMatchObject({ message: 'UNAUTHORIZED' });
    await expect(openSocket(node.baseUrl, opA.api.cookie, 'https://evil.example')).rejects.toThrow();
    const sameOrigin = await openSocket(node.baseUrl, opA.api.cookie, node.baseUrl);
    expect(sameOrigin.connected).toBe(true);
    sameOrigin.close();
  });

  it('known caller: the contact card pops on the ringing operator only; answer and end follow the call', async () => {
    const number = randomRuNumber();
    const ds = node.dataSource;
    const [company] = await ds.query(`INSERT INTO companies (name, owner_id) VALUES ('ООО Ромашка', $1) RETURNING id`, [
      opB.user.id,
    ]);
    const [contact] = await ds.query(
      `INSERT INTO contacts (name, company_id, owner_id, do_not_call, tags) VALUES ('Иван Петров', $1, $2, true, '{vip}')
       RETURNING id`,
      [company.id, opB.user.id],
    );
    // Stored in national form: found through the RU last-ten-digits key, not by E.164.
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, NULL, $3)`, [
      contact.id,
      `8${number.slice(2)}`,
      number.slice(2),
    ]);
    const [deal] = await ds.query(
      `INSERT INTO deals (title, stage, amount, owner_id, contact_id) VALUES ('Поставка', 'proposal', 125000.5, $1, $2)
       RETURNING id`,
      [opB.user.id, contact.id],
    );
    await ds.query(`INSERT INTO deals (title, stage, contact_id, closed_at) VALUES ('Старая', 'won', $1, now())`, [
      contact.id,
    ]);
    const [task] = await ds.query(
      `INSERT INTO tasks (title, kind, due_at, assignee_id, entity_type, entity_id)
       VALUES ('Перезвонить', 'callback', now() + interval '1 day', $1, 'contact', $2) RETURNING id`,
      [opB.user.id, contact.id],
    );
    await ds.query(
      `INSERT INTO notes (body, author_id, entity_type, entity_id) VALUES ('Любит утро', $1, 'contact', $2)`,
      [opB.user.id, contact.id],
    );
    // The past call rang A and B and B took it: A's card lists it (A's call log does too) but A may not hear it.
    const past = inboundCall(party(number, number));
    await publish(past.created(), past.ringing(opA.extension), past.ringing(opB.extension));
    await until('past call popped on A', () => of(opA, 'call:ringing', past.callId).length > 0);
    await publish(past.answered(opB.extension), past.ended(true));
    await until('past call recorded', () => of(sup, 'call:ended', past.callId).length > 0);
    // The end reaches the screens before it is written; the next call comes once it is stored, as any real one would.
    await waitFor(
      async () =>
        ((await ds.query(`SELECT 1 FROM calls WHERE id = $1 AND status = 'ended'`, [past.callId])) as []).length > 0,
      { what: 'past call stored', timeoutMs: 5_000, intervalMs: 10 },
    );
    const [recording] = await ds.query(
      `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime) VALUES ($1, $2, 10, $3, 'audio/ogg')
       RETURNING id`,
      [past.callId, `test/${past.callId}.ogg`, 'a'.repeat(64)],
    );

    await new Promise((r) => setTimeout(r, 200)); // the recording's change notification reaches the node
    const call = inboundCall(party(number, number));
    await publish(call.created(), call.ringing(opA.extension));
    await until('pop on A', () => of(opA, 'call:ringing', call.callId).length > 0);
    const pop = of(opA, 'call:ringing', call.callId)[0]!.payload;
    expect(pop.agentExtension).toBe(opA.extension);
    expect(pop.call).toMatchObject({ id: call.callId, status: 'ringing', ringing: [opA.extension], queue: 'support' });
    const card = callCardSchema.parse(pop.card);
    expect(card).toMatchObject({
      kind: 'contact',
      callId: call.callId,
      number: { e164: number },
      contact: {
        id: contact.id,
        name: 'Иван Петров',
        company: { id: company.id, name: 'ООО Ромашка' },
        owner: { id: opB.user.id },
        doNotCall: true,
        tags: ['vip'],
        notes: 'Любит утро',
      },
      openDeals: [{ id: deal.id, stage: 'proposal', amount: '125000.50', currency: 'RUB' }],
      openTasks: [{ id: task.id, title: 'Перезвонить', assignee: { id: opB.user.id } }],
    });
    expect(card.kind === 'contact' && card.lastCalls).toEqual([
      expect.objectContaining({ id: past.callId, answered: true, recordingUrl: null }),
    ]);
    expect(recording.id).toBeTruthy(); // B, who answered, hears it: GET /api/calls/:id gives B the URL
    expect((await opB.api.get(`/api/calls/${past.callId}`)).body.recordingUrl).toBe(`/api/recordings/${recording.id}`);
    await until('supervisor sees the ringing', () => of(sup, 'call:ringing', call.callId).length > 0);

    // The resync: A (it rang for A) and the supervisor see the live call; B does not.
    await stored(call.callId);
    const active = (o: Operator) => o.api.get('/api/calls/active');
    expect((await active(opA)).body.map((c: { id: string }) => c.id)).toContain(call.callId);
    expect((await active(sup)).body.map((c: { id: string }) => c.id)).toContain(call.callId);
    expect((await active(opB)).body.map((c: { id: string }) => c.id)).not.toContain(call.callId);
    const acked = await opA.socket.emitWithAck('calls:active');
    expect(acked.ok && acked.data.find((c) => c.id === call.callId)).toMatchObject({ ringing: [opA.extension] });
    // Read from the call's row, the resync shows the call as the pop did, field for field.
    expect((await active(opA)).body.find((c: { id: string }) => c.id === call.callId)).toEqual(pop.call);

    await publish(call.answered(opA.extension), call.ended(true));
    await until('answered and ended reach A', () => of(opA, 'call:ended', call.callId).length > 0);
    expect(of(opA, 'call:answered', call.callId).map((r) => r.payload.agentExtension)).toEqual([opA.extension]);
    expect(of(opA, 'call:ended', call.callId)[0]!.payload).toMatchObject({ disposition: 'answered', talkSeconds: 5 });
    await settle();
    expect(of(opB, 'call:ringing', call.callId)).toHaveLength(0);
    expect(of(opB, 'call:answered', call.callId)).toHaveLength(0);
    const [row] = await ds.query('SELECT contact_id, lead_id FROM calls WHERE id = $1', [call.callId]);
    expect(row).toEqual({ contact_id: contact.id, lead_id: null });
    expect((await active(opA)).body.map((c: { id: string }) => c.id)).not.toContain(call.callId);
    await ds.query('DELETE FROM calls WHERE id = ANY($1)', [[past.callId, call.callId]]);
    await ds.query('DELETE FROM contacts WHERE id = $1', [contact.id]);
    await ds.query('DELETE FROM companies WHERE id = $1', [company.id]);
  });

  it('unknown caller: one lead, a pop marked as new lead, owner = the answering operator', async () => {
    const number = randomRuNumber();
    const first = inboundCall(party(`8${number.slice(2)}`, number));
    await publish(first.created(), first.ringing(opA.extension), first.ringing(opB.extension));
    await until('pops on A and B', () => of(opB, 'call:ringing', first.callId).length > 0);
    await until('pop on A', () => of(opA, 'call:ringing', first.callId).length > 0);
    const cardA = of(opA, 'call:ringing', first.callId)[0]!.payload.card;
    expect(cardA).toMatchObject({ kind: 'lead', lead: { createdByThisCall: true, status: 'new', owner: null } });
    await until('lead:created to the supervisor', () => of(sup, 'lead:created', first.callId).length > 0);
    expect(of(sup, 'lead:created', first.callId)[0]!.payload.lead).toMatchObject({
      id: cardA.lead.id,
      source: 'call',
      phoneE164: number,
    });

    await publish(first.answered(opB.extension), first.ended(true));
    await until('A is told B answered', () => of(opA, 'call:answered', first.callId).length > 0);
    expect(of(opA, 'call:answered', first.callId)[0]!.payload.agentExtension).toBe(opB.extension);
    await waitFor(
      async () => {
        const [lead] = await node.dataSource.query('SELECT owner_id FROM leads WHERE id = $1', [cardA.lead.id]);
        return lead.owner_id === opB.user.id;
      },
      { what: 'lead owned by the answering operator', timeoutMs: 5000, intervalMs: 50 },
    );

    // The same number again: the same open lead, not new, and no second lead:created.
    const second = inboundCall(party(number, number));
    await publish(second.created(), second.ringing(opA.extension));
    await until('second pop', () => of(opA, 'call:ringing', second.callId).length > 0);
    expect(of(opA, 'call:ringing', second.callId)[0]!.payload.card).toMatchObject({
      kind: 'lead',
      lead: { id: cardA.lead.id, createdByThisCall: false, owner: { id: opB.user.id } },
    });
    expect(of(opA, 'call:ringing', second.callId)[0]!.payload.card.lastCalls[0]).toMatchObject({ id: first.callId });
    await publish(second.ended(false));
    await settle();
    expect(sup.received.filter((r) => r.event === 'lead:created' && r.payload.lead.id === cardA.lead.id)).toHaveLength(
      1,
    );
    const [{ n }] = await node.dataSource.query('SELECT count(*)::int AS n FROM leads WHERE phone_e164 = $1', [number]);
    expect(n).toBe(1);
    await node.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [[first.callId, second.callId]]);
    await node.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  });

  it("the card's past calls are the calls the operator's call log shows: a missed call that rang them, not a colleague's call", async () => {
    const number = randomRuNumber();
    const missed = inboundCall(party(number, number));
    await publish(missed.created(), missed.ringing(opA.extension));
    await until('missed call popped on A', () => of(opA, 'call:ringing', missed.callId).length > 0);
    await publish(missed.ended(false));
    const colleagues = inboundCall(party(number, number));
    await publish(colleagues.created(), colleagues.ringing(opB.extension));
    await until("B's call popped on B", () => of(opB, 'call:ringing', colleagues.callId).length > 0);
    await publish(colleagues.answered(opB.extension), colleagues.ended(true));
    await until("B's call ended", () => of(sup, 'call:ended', colleagues.callId).length > 0);

    const now = inboundCall(party(number, number));
    await publish(now.created(), now.ringing(opA.extension));
    await until('pop on A', () => of(opA, 'call:ringing', now.callId).length > 0);
    const card = callCardSchema.parse(of(opA, 'call:ringing', now.callId)[0]!.payload.card);
    const listed = card.kind === 'withheld' ? [] : card.lastCalls.map((c) => c.id);
    expect(listed).toEqual([missed.callId]);
    // The ring that lets A see the call (its leg) may be written in the batch after the call's row.
    const logOf = () => opA.api.get(`/api/calls?phone=${encodeURIComponent(number)}`);
    await waitFor(async () => ((await logOf()).body.items ?? []).some((c: { id: string }) => c.id === now.callId), {
      what: "the ringing call in A's log",
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    const log = await logOf();
    expect(log.status).toBe(200);
    expect(log.body.items.map((c: { id: string }) => c.id)).toEqual([now.callId, missed.callId]);
    expect(log.body.items[1]).toMatchObject({ disposition: 'abandoned', recordingUrl: null });
    expect((await opA.api.get(`/api/calls/${missed.callId}`)).status).toBe(200);
    expect((await opA.api.get(`/api/calls/${colleagues.callId}`)).status).toBe(404);
    // Rang is not handled: nothing to wrap up on a call A never took.
    expect((await opA.api.patch(`/api/calls/${missed.callId}/wrap-up`, { outcome: 'callback' })).status).toBe(404);

    await publish(now.ended(false));
    await until('now ended', () => of(sup, 'call:ended', now.callId).length > 0);
    const ids = [missed.callId, colleagues.callId, now.callId];
    await node.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [ids]);
    await node.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  });

  it('withheld caller: a withheld card and no lead; internal calls pop nothing', async () => {
    const call = inboundCall(withheld);
    await publish(call.created(), call.ringing(opA.extension));
    await until('withheld pop', () => of(opA, 'call:ringing', call.callId).length > 0);
    expect(of(opA, 'call:ringing', call.callId)[0]!.payload.card).toMatchObject({ kind: 'withheld', raw: 'anonymous' });
    await stored(call.callId);
    const [row] = await node.dataSource.query('SELECT lead_id, contact_id FROM calls WHERE id = $1', [call.callId]);
    expect(row).toEqual({ lead_id: null, contact_id: null });

    const internal = inboundCall(party(opB.extension, null, opB.extension), undefined);
    const created = { ...internal.created(), direction: 'internal' as const };
    const ringing = { ...internal.ringing(opA.extension), direction: 'internal' as const };
    await publish(created, ringing);
    await waitFor(
      async () =>
        (await node.dataSource.query(`SELECT 1 FROM calls WHERE id = $1 AND status = 'ringing'`, [internal.callId]))
          .length > 0,
      { what: 'internal call recorded', timeoutMs: 5000, intervalMs: 50 },
    );
    await settle();
    expect(of(opA, 'call:ringing', internal.callId)).toHaveLength(0);
    const [irow] = await node.dataSource.query('SELECT lead_id FROM calls WHERE id = $1', [internal.callId]);
    expect(irow).toEqual({ lead_id: null });
    await node.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [[call.callId, internal.callId]]);
  });

  it('duplicated and reordered events: one pop per ringing, no pop after the answer, the record is right', async () => {
    const number = randomRuNumber();
    const call = inboundCall(party(number, number));
    const created = call.created();
    const ringA = call.ringing(opA.extension);
    const ringB = call.ringing(opB.extension);
    const answered = call.answered(opA.extension);
    const ended = call.ended(true);
    // Ringing before created, a duplicate ringing, B's ringing only after the answer, a duplicate end.
    await publish(ringA, created, ringA, answered, ringB, ended, ended, created);
    await until('ended reaches A', () => of(opA, 'call:ended', call.callId).length > 0);
    await settle();
    expect(of(opA, 'call:ringing', call.callId)).toHaveLength(1);
    expect(of(opB, 'call:ringing', call.callId)).toHaveLength(0);
    expect(of(opA, 'call:answered', call.callId)).toHaveLength(1);
    expect(of(opA, 'call:ended', call.callId)).toHaveLength(1);
    expect(of(sup, 'lead:created', call.callId)).toHaveLength(1);
    const [row] = await node.dataSource.query(
      'SELECT status, disposition, agent_extension, last_seq::int, operator_id FROM calls WHERE id = $1',
      [call.callId],
    );
    expect(row).toEqual({
      status: 'ended',
      disposition: 'answered',
      agent_extension: opA.extension,
      last_seq: 5,
      operator_id: opA.user.id,
    });
    await node.dataSource.query('DELETE FROM calls WHERE id = $1', [call.callId]);
    await node.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  });

  it('a short network drop: connection-state recovery replays what the socket missed', async () => {
    const api = new ApiClient(node.baseUrl);
    await api.login(opA.user.login, TEST_PASSWORD);
    const socket: ClientSocket = connectSocket(node.baseUrl, {
      transports: ['websocket'],
      extraHeaders: { cookie: api.cookie! },
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 200,
    });
    const got: Received[] = [];
    socket.onAny((event: string, payload: unknown) => got.push({ event, payload, at: Date.now() }));
    try {
      await until('connected', () => socket.connected);
      const number = randomRuNumber();
      const call = inboundCall(party(number, number));
      await publish(call.created(), call.ringing(opA.extension));
      await until('pop before the drop', () => got.some((r) => r.event === 'call:ringing'));
      socket.io.engine.close(); // the transport dies (network drop); the client reconnects by itself
      await until('dropped', () => !socket.connected);
      await publish(call.answered(opA.extension));
      await until('answer emitted meanwhile', () => of(opA, 'call:answered', call.callId).length > 0);
      await until('reconnected', () => socket.connected);
      expect(socket.recovered).toBe(true);
      await until('missed answer replayed', () => got.some((r) => r.event === 'call:answered'));
      await publish(call.ended(true));
      await until('ended after recovery', () => got.some((r) => r.event === 'call:ended'));
      // The call's own events, each once and in order (the agent's state changes reach this socket too).
      expect(got.map((r) => r.event).filter((e) => e.startsWith('call:'))).toEqual([
        'call:ringing',
        'call:answered',
        'call:ended',
      ]);
      await node.dataSource.query('DELETE FROM calls WHERE id = $1', [call.callId]);
      await node.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
    } finally {
      socket.close();
    }
  });

  it('a late socket (fresh connection) rejoins its live call rooms and gets the rest of the call', async () => {
    const number = randomRuNumber();
    const call = inboundCall(party(number, number));
    await publish(call.created(), call.ringing(opA.extension));
    await until('pop', () => of(opA, 'call:ringing', call.callId).length > 0);
    const again = await connectOperator(node.baseUrl, opA.user.login);
    try {
      await publish(call.answered(opA.extension));
      await until('answer on the new socket', () => again.received.some((r) => r.event === 'call:answered'));
    } finally {
      again.socket.close();
    }
    await publish(call.ended(true));
    await until('ended', () => of(opA, 'call:ended', call.callId).length > 0);
    await node.dataSource.query('DELETE FROM calls WHERE id = $1', [call.callId]);
    await node.dataSource.query('DELETE FROM leads WHERE phone_e164 = $1', [number]);
  });
});
