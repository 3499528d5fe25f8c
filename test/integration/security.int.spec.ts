import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { connectOperator, openSocket, startWebNode, type WebNode } from '@test/support/web-node';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

const SQL_INJECTIONS = [
  `' OR '1'='1`,
  `' OR 1=1 --`,
  `'; DROP TABLE contacts; --`,
  `%' UNION SELECT id, login, password_hash FROM users --`,
  `\\'; SELECT pg_sleep(5); --`,
  `1) OR (1=1`,
  `" OR ""="`,
  `%_%`,
  `\u0000`,
];

describe('security: sessions, CSRF, brute force, bodies, SQL injection (real app on real Postgres)', () => {
  let t: SecurityApp;
  const users: SeededUser[] = [];
  let operator: SeededUser;
  let other: SeededUser;
  let secretContactId: string;

  beforeAll(async () => {
    t = await startSecurityApp({ loginRateLimit: { max: 3, windowMs: 60_000 } });
    const prefix = suitePrefix('sec');
    operator = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    other = await createUser(t.dataSource, `${prefix}-other`, 'operator');
    users.push(operator, other, await createUser(t.dataSource, `${prefix}-brute`, 'operator'));
    [{ id: secretContactId }] = await t.dataSource.query(
      `INSERT INTO contacts (name, owner_id) VALUES ('Секретный клиент другого оператора', $1) RETURNING id`,
      [other.id],
    );
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM contacts WHERE id = $1`, [secretContactId]);
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('session fixation: login issues a new session id and kills the one presented before', async () => {
    const client = new ApiClient(t.baseUrl);
    client.cookie = 'zv_session=attacker-chosen-value';
    await client.login(operator.login, TEST_PASSWORD);
    const first = client.cookie!;
    expect(first).not.toBe('zv_session=attacker-chosen-value');
    expect(first).toMatch(/^zv_session=.{20,}/);

    await client.login(operator.login, TEST_PASSWORD);
    expect(client.cookie).not.toBe(first);
    const stale = new ApiClient(t.baseUrl);
    stale.cookie = first;
    expect((await stale.get('/api/auth/me')).status).toBe(401);
    expect((await client.get('/api/auth/me')).status).toBe(200);

    await client.post('/api/auth/logout');
    const loggedOut = new ApiClient(t.baseUrl);
    loggedOut.cookie = client.cookie ?? first;
    expect((await loggedOut.get('/api/auth/me')).status).toBe(401);
  });

  it('CSRF: a cookie session without X-Requested-With cannot change anything (403), login included', async () => {
    const client = new ApiClient(t.baseUrl);
    await client.login(operator.login, TEST_PASSWORD);
    const attempts = [
      await client.post('/api/contacts', { name: 'CSRF', phones: [] }, { noCsrf: true }),
      await client.patch(`/api/contacts/${secretContactId}`, { name: 'pwned' }, { noCsrf: true }),
      await client.delete(`/api/contacts/${secretContactId}`, { noCsrf: true }),
      await client.post('/api/auth/logout', undefined, { noCsrf: true }),
      await new ApiClient(t.baseUrl).post(
        '/api/auth/login',
        { login: operator.login, password: TEST_PASSWORD },
        { noCsrf: true },
      ),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual(errorShape('CSRF_HEADER_MISSING'));
    }
    // A form post (text/plain, the only kind a cross-site page can send without a preflight) too.
    const form = await client.post('/api/contacts', undefined, {
      noCsrf: true,
      rawBody: 'name=CSRF',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(403);
    const [{ n }]: [{ n: string }] = await t.dataSource.query(`SELECT count(*) AS n FROM contacts WHERE name = 'CSRF'`);
    expect(Number(n)).toBe(0);
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('brute force: failed logins for one login from one IP hit 429, then even the right password is refused', async () => {
    const brute = users[2]!;
    const client = new ApiClient(t.baseUrl);
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/api/auth/login', { login: brute.login, password: `guess-${i}` });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorShape('INVALID_CREDENTIALS'));
    }
    const blocked = await client.post('/api/auth/login', { login: brute.login, password: 'guess-4' });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(errorShape('RATE_LIMITED'));
    expect((await client.post('/api/auth/login', { login: brute.login, password: TEST_PASSWORD })).status).toBe(429);
    // Keyed by login too: the attacker does not lock everybody out.
    expect((await client.post('/api/auth/login', { login: operator.login, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('oversized body → 413, malformed JSON → 400, both with the error shape; nothing is stored', async () => {
    const client = new ApiClient(t.baseUrl);
    await client.login(operator.login, TEST_PASSWORD);
    const huge = await client.post('/api/contacts', { name: 'Big', notes: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual(errorShape('PAYLOAD_TOO_LARGE'));
    for (const raw of ['{"name": "Broken"', '{name: 1}', '[1,2', '\u0000', '{"a":1}}']) {
      const res = await client.post('/api/contacts', undefined, { rawBody: raw });
      expect(res.status, raw).toBe(400);
      expect(res.body).toEqual(errorShape('MALFORMED_JSON'));
    }
    const [{ n }]: [{ n: string }] = await t.dataSource.query(
      `SELECT count(*) AS n FROM contacts WHERE name IN ('Big', 'Broken')`,
    );
    expect(Number(n)).toBe(0);
  });

  it("SQL-injection strings in search: no error, no other operator's rows, schema intact", async () => {
    const client = new ApiClient(t.baseUrl);
    await client.login(operator.login, TEST_PASSWORD);
    const searches = (s: string) => [
      `/api/contacts?q=${encodeURIComponent(s)}`,
      `/api/companies?q=${encodeURIComponent(s)}`,
      `/api/leads?q=${encodeURIComponent(s)}`,
      `/api/leads?phone=${encodeURIComponent(s)}`,
      `/api/calls?phone=${encodeURIComponent(s)}`,
    ];
    for (const injection of SQL_INJECTIONS) {
      for (const url of searches(injection)) {
        const started = Date.now();
        const res = await client.get(url);
        expect([200, 400], `${url} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        if (res.status === 400) expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
        else expect(JSON.stringify(res.body)).not.toContain(secretContactId);
        expect(JSON.stringify(res.body)).not.toMatch(/password|syntax error|pg_|QueryFailedError/i);
        expect(Date.now() - started, 'pg_sleep must not run').toBeLessThan(4_000);
      }
    }
    const [{ n }]: [{ n: string }] = await t.dataSource.query(`SELECT count(*) AS n FROM contacts WHERE id = $1`, [
      secretContactId,
    ]);
    expect(Number(n)).toBe(1);
  });

  it('recordings: path-traversal ids never reach the file system', async () => {
    const client = new ApiClient(t.baseUrl);
    await client.login(operator.login, TEST_PASSWORD);
    for (const id of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..\\..\\etc\\passwd']) {
      const res = await client.get(`/api/recordings/${id}`);
      expect([400, 404]).toContain(res.status);
      expect(String(typeof res.body === 'string' ? res.body : JSON.stringify(res.body))).not.toContain('root:');
    }
  });
});

describe('security: Socket.IO rooms (real Socket.IO server, in-process adapter)', () => {
  let node: WebNode;
  const users: SeededUser[] = [];

  beforeAll(async () => {
    node = await startWebNode({ name: 'sec-rooms', redis: false });
  });
  afterAll(async () => {
    await deleteUsers(
      node.dataSource,
      users.map((u) => u.id),
    );
    await node.close();
  });

  it("an operator cannot get into another user's room: no join API, and emits to that room never reach them", async () => {
    const prefix = suitePrefix('rooms');
    const a = await createUser(node.dataSource, `${prefix}-a`, 'operator');
    const b = await createUser(node.dataSource, `${prefix}-b`, 'operator');
    users.push(a, b);
    const opA = await connectOperator(node.baseUrl, a.login);
    const opB = await connectOperator(node.baseUrl, b.login);
    try {
      // Whatever a client may try to send to get into B's room, the server has no handler for it.
      const attempts = ['join', 'subscribe', 'room:join', 'joinRoom', 'calls:join'];
      for (const event of attempts) (opA.socket.emit as (e: string, ...args: unknown[]) => void)(event, `user:${b.id}`);
      (opA.socket.emit as (e: string, ...args: unknown[]) => void)('calls:active', `user:${b.id}`);

      const serverSockets = await node.node.realtime.io.in(`user:${a.id}`).fetchSockets();
      expect(serverSockets).toHaveLength(1);
      const roomsOfA = [...serverSockets[0]!.rooms].filter((r) => r !== serverSockets[0]!.id).sort();
      const [session] = await node.dataSource.query(`SELECT id FROM sessions WHERE user_id = $1`, [a.id]);
      expect(roomsOfA).toEqual([`role:operator`, `session:${session.id}`, `user:${a.id}`]);

      // The only client→server event the server listens to is the read-only resync.
      const server = node.node.realtime.io.of('/').sockets.get(serverSockets[0]!.id)!;
      const reserved = new Set(['disconnect', 'disconnecting', 'error']);
      expect(server.eventNames().filter((e) => !reserved.has(String(e)))).toEqual(['calls:active']);

      node.node.realtime.emitToUser(b.id, 'provider:status', { up: true, source: 'ami', reason: 'room-probe' });
      await waitFor(async () => opB.received.some((r) => r.payload?.reason === 'room-probe'), {
        what: 'B receives its own room event',
        timeoutMs: 5_000,
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(opA.received.filter((r) => r.payload?.reason === 'room-probe')).toEqual([]);
    } finally {
      opA.socket.close();
      opB.socket.close();
    }
  });

  it('a socket without a valid session is refused', async () => {
    await expect(openSocket(node.baseUrl, 'zv_session=forged-session-id')).rejects.toThrow();
  });
});
