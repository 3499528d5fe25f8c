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
import { type CallEvent } from '@telephony';
import { recordCallEvents, seedCall } from '@test/support/call-events';

// Public calls contract on the real app and Postgres: GET /api/calls filters and scoping, GET /api/calls/:id,
// PATCH /api/calls/:id/wrap-up, POST /api/calls/originate with telephony off, and GET /api/leads?phone=.
describe('calls API (real Postgres)', () => {
  let t: TestApp;
  const users: Record<'op1' | 'op2' | 'sup' | 'mgr' | 'admin', SeededUser & { ext: string | null }> = {} as never;
  const clients: Record<string, ApiClient> = {};
  const callIds: string[] = [];
  // Unique per run, so other suites' calls never match our filters.
  const digits = String(Math.floor(1_000_000 + Math.random() * 8_999_999));
  const phone = `+7916${digits}`;
  const other = `+7903${digits}`;
  const ext = (n: number) => String(600_000 + Math.floor(Math.random() * 300_000) + n);
  let a: string;
  let b: string;
  let c: string;
  let missed: string;

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('calls');
    const specs = [
      ['op1', 'operator', ext(1)],
      ['op2', 'operator', ext(2)],
      ['sup', 'supervisor', null],
      ['mgr', 'manager', null],
      ['admin', 'admin', null],
    ] as const;
    for (const [key, role, extension] of specs) {
      users[key] = { ...(await createUser(t.dataSource, `${p}-${key}`, role, extension)), ext: extension };
      clients[key] = new ApiClient(t.baseUrl);
      await clients[key].login(`${p}-${key}`, TEST_PASSWORD);
    }
    // A: +7 number answered by op1 on 2031-01-01; B: the same number dialled as "8…" answered by op2 on 01-02;
    // C: another number answered by op1 and transferred to op2 on 01-03; missed: nobody answered, 01-03.
    a = await seedCall(t.dataSource, {
      fromRaw: phone,
      fromE164: phone,
      startedAt: '2031-01-01T10:00:00Z',
      answeredBy: users.op1.ext!,
    });
    b = await seedCall(t.dataSource, {
      fromRaw: `8916${digits}`,
      fromE164: phone,
      startedAt: '2031-01-02T23:30:00Z',
      answeredBy: users.op2.ext!,
    });
    c = await seedCall(t.dataSource, {
      fromRaw: other,
      fromE164: other,
      startedAt: '2031-01-03T09:00:00Z',
      answeredBy: users.op1.ext!,
      transferTo: users.op2.ext!,
    });
    missed = await seedCall(t.dataSource, { fromRaw: other, fromE164: other, startedAt: '2031-01-03T12:00:00Z' });
    callIds.push(a, b, c, missed);
  });

  afterAll(async () => {
    if (!t) return;
    await t.dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
    await t.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    await t.dataSource.query(`DELETE FROM leads WHERE phone_e164 = ANY($1)`, [[phone, other]]);
    await deleteUsers(
      t.dataSource,
      Object.values(users).map((u) => u.id),
    );
    await t.close();
  });

  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

  describe('GET /api/calls', () => {
    it.each([
      phone,
      `8916${digits}`,
      `916${digits}`,
      `7916${digits}`,
      `+7 (916) ${digits.slice(0, 3)}-${digits.slice(3)}`,
    ])('finds both calls of the number written as %j, newest first', async (typed) => {
      const res = await clients.sup!.get(`/api/calls?phone=${encodeURIComponent(typed)}`);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([b, a]);
      expect(res.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    });

    it('filters by from/to: a bare `to` date includes that whole day, a date-time `to` is exclusive', async () => {
      const q = (s: string) => clients.sup!.get(`/api/calls?phone=${encodeURIComponent(phone)}&${s}`);
      expect(ids((await q('from=2031-01-02')).body)).toEqual([b]);
      expect(ids((await q('to=2031-01-01')).body)).toEqual([a]);
      expect(ids((await q('from=2031-01-01&to=2031-01-02')).body)).toEqual([b, a]);
      expect(ids((await q(`to=${encodeURIComponent('2031-01-02T23:30:00Z')}`)).body)).toEqual([a]);
      // 2031-01-03 02:30 in Moscow is 01-02 23:30 UTC: offsets are honoured.
      expect(ids((await q(`from=${encodeURIComponent('2031-01-03T02:30:00+03:00')}`)).body)).toEqual([b]);
    });

    it('pages with limit/offset and keeps the total', async () => {
      const res = await clients.sup!.get(`/api/calls?phone=${encodeURIComponent(phone)}&limit=1&offset=1`);
      expect(res.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(ids(res.body)).toEqual([a]);
      const past = await clients.sup!.get(`/api/calls?phone=${encodeURIComponent(phone)}&limit=1&offset=5`);
      expect(past.body).toMatchObject({ items: [], total: 2 });
    });

    it('shows an operator only the calls that reached them (here: answered or received by transfer)', async () => {
      const range = 'from=2031-01-01&to=2031-01-03';
      expect(ids((await clients.op1!.get(`/api/calls?${range}`)).body)).toEqual([c, a]);
      expect(ids((await clients.op2!.get(`/api/calls?${range}`)).body)).toEqual([c, b]);
      expect(ids((await clients.mgr!.get(`/api/calls?${range}`)).body)).toEqual(
        expect.arrayContaining([a, b, c, missed]),
      );
    });

    it.each([
      ['phone=abc', 'phone'],
      ['phone=', 'phone'],
      ['from=yesterday', 'from'],
      ['to=2031-13-01', 'to'],
      ['from=2031-01-03&to=2031-01-01', 'to'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['offset=-1', 'offset'],
      ['sort=desc', 'sort'],
    ])('rejects %s with 400 naming %s', async (query, field) => {
      const res = await clients.sup!.get(`/api/calls?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('needs a session', async () => {
      expect((await new ApiClient(t.baseUrl).get('/api/calls')).status).toBe(401);
    });
  });

  describe('GET /api/calls/:id', () => {
    it('returns the call with who handled it and recordingUrl null while there is no recording', async () => {
      const res = await clients.op1!.get(`/api/calls/${c}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: c,
        direction: 'inbound',
        status: 'ended',
        fromE164: other,
        agentExtension: users.op2.ext,
        operatorId: users.op2.id,
        disposition: 'answered',
        talkSeconds: 30,
        wrapUp: null,
        recordingUrl: null,
      });
    });

    it('gives the recording URL to those who may listen, null to an admin', async () => {
      const [rec] = await t.dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime)
         VALUES ($1, $2, 30, 1000, $3, 'audio/ogg') RETURNING id`,
        [a, `2031/01/01/${a}-00000000.ogg`, 'a'.repeat(64)],
      );
      try {
        for (const who of ['op1', 'sup', 'mgr'] as const) {
          expect((await clients[who]!.get(`/api/calls/${a}`)).body.recordingUrl).toBe(`/api/recordings/${rec.id}`);
        }
        expect((await clients.admin!.get(`/api/calls/${a}`)).body.recordingUrl).toBeNull();
      } finally {
        await t.dataSource.query('DELETE FROM recordings WHERE id = $1', [rec.id]);
      }
    });

    it('answers 404 to an operator who was not on the call (ids cannot be probed), 400 to a non-uuid', async () => {
      expect((await clients.op1!.get(`/api/calls/${b}`)).body.error.code).toBe('CALL_NOT_FOUND');
      expect((await clients.op1!.get(`/api/calls/${b}`)).status).toBe(404);
      expect((await clients.sup!.get(`/api/calls/${randomUUID()}`)).status).toBe(404);
      expect((await clients.sup!.get('/api/calls/not-a-uuid')).status).toBe(400);
    });
  });

  describe('PATCH /api/calls/:id/wrap-up', () => {
    it('stores the operator’s outcome and note, and later call events leave it alone', async () => {
      const res = await clients.op1!.patch(`/api/calls/${a}/wrap-up`, { outcome: 'sale', note: '  Оформил заказ №5 ' });
      expect(res.status).toBe(200);
      expect(res.body.wrapUp).toMatchObject({ outcome: 'sale', note: 'Оформил заказ №5', byUserId: users.op1.id });
      // A late event for the call re-projects the row; the wrap-up columns are not part of the projection.
      const [{ max }] = await t.dataSource.query('SELECT max(seq) AS max FROM call_events WHERE call_id = $1', [a]);
      const [{ payload }] = await t.dataSource.query(
        `SELECT payload FROM call_events WHERE call_id = $1 AND type = 'call.ended'`,
        [a],
      );
      const stored = (await t.dataSource.query('SELECT payload FROM call_events WHERE call_id = $1', [a])) as {
        payload: CallEvent;
      }[];
      await recordCallEvents(t.dataSource, [...stored.map((r) => r.payload), { ...payload, seq: Number(max) + 1 }]);
      expect((await clients.op1!.get(`/api/calls/${a}`)).body.wrapUp.outcome).toBe('sale');
      // Correctable; an empty note is stored as none.
      const again = await clients.sup!.patch(`/api/calls/${a}/wrap-up`, { outcome: 'callback', note: '' });
      expect(again.body.wrapUp).toMatchObject({ outcome: 'callback', note: null, byUserId: users.sup.id });
    });

    it.each([
      [{ outcome: 'great' }, 'outcome'],
      [{ note: 'x' }, 'outcome'],
      [{ outcome: 'sale', note: 'x'.repeat(2001) }, 'note'],
      [{ outcome: 'sale', note: 'bell\u0007' }, 'note'],
      [{ outcome: 'sale', extra: 1 }, 'extra'],
    ])('rejects %j with 400 naming %s', async (body, field) => {
      const res = await clients.op1!.patch(`/api/calls/${a}/wrap-up`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('is 404 for an operator not on the call and 403 without the CSRF header', async () => {
      expect((await clients.op1!.patch(`/api/calls/${b}/wrap-up`, { outcome: 'sale' })).status).toBe(404);
      const res = await clients.op2!.patch(`/api/calls/${b}/wrap-up`, { outcome: 'sale' }, { noCsrf: true });
      expect(res.status).toBe(403);
    });
  });

  describe('POST /api/calls/originate', () => {
    it('says telephony is off (503 TELEPHONY_DISABLED) when the server runs without a PBX', async () => {
      const res = await clients.op1!.post('/api/calls/originate', { destination: '8 916 123-45-67' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('TELEPHONY_DISABLED');
    });

    it('says the user has no phone (409 NO_EXTENSION) before anything else', async () => {
      const res = await clients.mgr!.post('/api/calls/originate', { destination: '+79161234567' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('NO_EXTENSION');
    });

    it.each([{ destination: 'call mom' }, { destination: '' }, {}, { destination: '+7916', x: 1 }])(
      'rejects %j with 400',
      async (body) => {
        const res = await clients.op1!.post('/api/calls/originate', body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      },
    );
  });

  it('keeps calls with the operator who took them when their extension goes to someone else', async () => {
    const range = 'from=2031-01-01&to=2031-01-03';
    await t.dataSource.query('UPDATE users SET extension = NULL WHERE id = $1', [users.op1.id]);
    const heir = await createUser(t.dataSource, `${suitePrefix('calls')}-heir`, 'operator', users.op1.ext);
    try {
      const client = new ApiClient(t.baseUrl);
      await client.login(heir.login, TEST_PASSWORD);
      expect(ids((await client.get(`/api/calls?${range}`)).body)).toEqual([]);
      expect((await client.get(`/api/calls/${a}`)).status).toBe(404);
      expect(ids((await clients.op1!.get(`/api/calls?${range}`)).body)).toEqual([c, a]);
    } finally {
      await deleteUsers(t.dataSource, [heir.id]);
      await t.dataSource.query('UPDATE users SET extension = $2 WHERE id = $1', [users.op1.id, users.op1.ext]);
    }
  });

  describe('GET /api/leads?phone=', () => {
    it('finds the open lead of a number typed in any format', async () => {
      const created = await clients.op1!.post('/api/leads', { name: 'Новый клиент', phone: `8 (903) ${digits}` });
      expect(created.status).toBe(201);
      for (const typed of [other, `8903${digits}`, `903${digits}`]) {
        const res = await clients.op1!.get(`/api/leads?phone=${encodeURIComponent(typed)}`);
        expect(res.status).toBe(200);
        expect(res.body.items.map((l: { id: string }) => l.id)).toEqual([created.body.id]);
      }
      expect((await clients.op1!.get(`/api/leads?phone=${encodeURIComponent(phone)}`)).body.items).toEqual([]);
      const bad = await clients.op1!.get('/api/leads?phone=abc');
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toBe('phone');
    });
  });
});
