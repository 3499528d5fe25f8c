import { createHash } from 'node:crypto';

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

describe('auth API (real Postgres)', () => {
  let t: TestApp;
  let operator: SeededUser;
  let admin: SeededUser;
  let manager: SeededUser;
  let limited: SeededUser;
  const prefix = suitePrefix('auth');

  beforeAll(async () => {
    t = await startTestApp();
    operator = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    admin = await createUser(t.dataSource, `${prefix}-admin`, 'admin');
    manager = await createUser(t.dataSource, `${prefix}-mgr`, 'manager');
    limited = await createUser(t.dataSource, `${prefix}-rl`, 'operator');
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM users WHERE login LIKE $1`, [`${prefix}%`]);
    await deleteUsers(t.dataSource, [operator.id, admin.id, manager.id, limited.id]);
    await t.close();
  });

  it('logs in, sets an httpOnly SameSite=Lax session cookie, and /me returns the user DTO', async () => {
    const c = new ApiClient(t.baseUrl);
    const res = await c.post('/api/auth/login', { login: operator.login.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: operator.id,
      login: operator.login,
      name: expect.any(String),
      role: 'operator',
      extension: null,
      locale: 'ru',
      teamId: null,
    });
    const setCookie = res.headers.getSetCookie().find((s) => s.startsWith('zv_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(operator.id);
  });

  it('stores only the sha256 of the token', async () => {
    const c = new ApiClient(t.baseUrl);
    await c.login(operator.login, TEST_PASSWORD);
    const token = decodeURIComponent(c.cookie!.slice('zv_session='.length));
    const rows: { token_hash: Buffer }[] = await t.dataSource.query(
      `SELECT token_hash FROM sessions WHERE user_id = $1`,
      [operator.id],
    );
    const hashes = rows.map((r) => r.token_hash.toString('hex'));
    expect(hashes).toContain(createHash('sha256').update(token).digest('hex'));
    expect(hashes.some((h) => h.includes(Buffer.from(token).toString('hex')))).toBe(false);
  });

  it('rejects a wrong password and an unknown login the same way', async () => {
    const c = new ApiClient(t.baseUrl);
    const wrong = await c.post('/api/auth/login', { login: operator.login, password: 'nope' });
    const unknown = await c.post('/api/auth/login', { login: `${prefix}-ghost`, password: 'nope' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } });
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it('issues a new token on every login and revokes the one presented (no fixation)', async () => {
    const c = new ApiClient(t.baseUrl);
    await c.login(operator.login, TEST_PASSWORD);
    const first = c.cookie!;
    await c.login(operator.login, TEST_PASSWORD);
    expect(c.cookie).not.toBe(first);
    const old = new ApiClient(t.baseUrl);
    old.cookie = first;
    expect((await old.get('/api/auth/me')).status).toBe(401);
    expect((await c.get('/api/auth/me')).status).toBe(200);
  });

  it('logout deletes the session and clears the cookie', async () => {
    const c = new ApiClient(t.baseUrl);
    await c.login(operator.login, TEST_PASSWORD);
    const token = c.cookie!;
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    expect(c.cookie).toBeUndefined();
    const replay = new ApiClient(t.baseUrl);
    replay.cookie = token;
    const me = await replay.get('/api/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('rejects expired sessions', async () => {
    const c = new ApiClient(t.baseUrl);
    await c.login(operator.login, TEST_PASSWORD);
    await t.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      operator.id,
    ]);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('requires X-Requested-With: zvonok on state-changing requests (CSRF), not on reads', async () => {
    const c = new ApiClient(t.baseUrl);
    const res = await c.post('/api/auth/login', { login: operator.login, password: TEST_PASSWORD }, { noCsrf: true });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_HEADER_MISSING');
    await c.login(operator.login, TEST_PASSWORD);
    const create = await c.post('/api/contacts', { name: 'CSRF victim' }, { noCsrf: true });
    expect(create.status).toBe(403);
    expect((await c.get('/api/contacts', { noCsrf: true })).status).toBe(200);
  });

  it('authenticates a Socket.IO handshake by the same cookie', async () => {
    const c = new ApiClient(t.baseUrl);
    await c.login(operator.login, TEST_PASSWORD);
    expect(await t.services.auth.authenticateSocketHandshake(`a=b; ${c.cookie!}`)).toMatchObject({
      sessionId: expect.any(String),
      user: { id: operator.id },
    });
    expect(await t.services.auth.authenticateSocketHandshake('zv_session=forged')).toBeNull();
    expect(await t.services.auth.authenticateSocketHandshake(undefined)).toBeNull();
  });

  it('rate-limits login per IP+login with 429 in the error shape, other logins unaffected', async () => {
    const c = new ApiClient(t.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await c.post('/api/auth/login', { login: limited.login, password: 'bad' })).status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    const blocked = await c.post('/api/auth/login', { login: limited.login, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect((await c.post('/api/auth/login', { login: admin.login, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('role guard: only admin creates users, operators cannot list them', async () => {
    const op = new ApiClient(t.baseUrl);
    await op.login(operator.login, TEST_PASSWORD);
    expect((await op.get('/api/users')).status).toBe(403);
    const mgr = new ApiClient(t.baseUrl);
    await mgr.login(manager.login, TEST_PASSWORD);
    expect((await mgr.get('/api/users')).status).toBe(200);
    const newUser = { login: `${prefix}-new`, password: 'long enough', name: 'Новый', role: 'operator' };
    const denied = await mgr.post('/api/users', newUser);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const adm = new ApiClient(t.baseUrl);
    await adm.login(admin.login, TEST_PASSWORD);
    const created = await adm.post('/api/users', newUser);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ login: `${prefix}-new`, role: 'operator', extension: null });
    expect(created.body).not.toHaveProperty('passwordHash');
    const again = await adm.post('/api/users', newUser);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LOGIN_TAKEN');
    const fresh = new ApiClient(t.baseUrl);
    expect((await fresh.post('/api/auth/login', { login: newUser.login, password: newUser.password })).status).toBe(
      200,
    );
  });

  it('writes logins, failed logins, user creation and deletions to the audit log', async () => {
    const c = new ApiClient(t.baseUrl);
    await c.post('/api/auth/login', { login: admin.login, password: 'wrong' });
    await c.login(admin.login, TEST_PASSWORD);
    const contact = await c.post('/api/contacts', { name: 'Удаляемый' });
    expect((await c.delete(`/api/contacts/${contact.body.id}`)).status).toBe(204);
    const audited = { login: `${prefix}-audited`, password: 'long enough', name: 'A', role: 'operator' };
    expect((await c.post('/api/users', audited)).status).toBe(201);
    const rows: { action: string; entity_id: string | null; details: Record<string, unknown> }[] =
      await t.dataSource.query(`SELECT action, entity_id, details FROM audit_log WHERE actor_id = $1 ORDER BY id`, [
        admin.id,
      ]);
    const actions = rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login-failed', 'auth.login', 'contact.delete']));
    const deletion = rows.find((r) => r.action === 'contact.delete')!;
    expect(deletion.entity_id).toBe(contact.body.id);
    expect(deletion.details).toMatchObject({ before: { name: 'Удаляемый' } });
    const created: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM audit_log WHERE action = 'user.create' AND details->>'login' = $1`,
      [audited.login],
    );
    expect(created).toHaveLength(1);
  });

  it('answers 401 to anonymous API calls', async () => {
    const res = await new ApiClient(t.baseUrl).get('/api/contacts');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
});
