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

const GOOD_PASSWORD = 'Ясень-клён-2026';

/** User administration over HTTP on the real Postgres: password rules, extensions, edits, leaving and handover. */
describe('users administration', () => {
  let t: TestApp;
  let admin: ApiClient;
  let prefix: string;
  const users: SeededUser[] = [];
  const created: string[] = [];
  const seed = async (name: string, role: SeededUser['role'], extension: string | null = null) => {
    const user = await createUser(t.dataSource, `${prefix}-${name}`, role, extension);
    users.push(user);
    return user;
  };
  const signIn = async (login: string, password = TEST_PASSWORD) => {
    const client = new ApiClient(t.baseUrl);
    await client.login(login, password);
    return client;
  };
  /** An extension no other suite uses (5 digits starting with 8). */
  const freeExtension = () => `8${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await startTestApp();
    prefix = suitePrefix('users-admin');
    admin = await signIn((await seed('admin', 'admin')).login);
  });
  afterAll(async () => {
    const ids = [...users.map((u) => u.id), ...created];
    await t.dataSource.query(`DELETE FROM audit_log WHERE entity_id = ANY($1::text[]) OR actor_id = ANY($1::uuid[])`, [
      ids,
    ]);
    await deleteUsers(t.dataSource, ids);
    await t.close();
  });

  it('refuses weak passwords with the rule that failed, and the created user signs in', async () => {
    const body = (password: string) => ({ login: `${prefix}-new`, password, name: 'Новый Оператор', role: 'operator' });
    for (const [password, reason] of [
      ['short-1', 'too-short'],
      ['qwertyuiop', 'too-common'],
      ['Password123!', 'too-common'],
      [`x-${prefix}-new-x`, 'contains-login'],
    ] as const) {
      const res = await admin.post('/api/users', body(password));
      expect(res.status, password).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'WEAK_PASSWORD', details: { field: 'password', reason } });
    }
    const res = await admin.post('/api/users', body(GOOD_PASSWORD));
    expect(res.status).toBe(201);
    created.push(res.body.id);
    expect(res.body).toMatchObject({ login: `${prefix}-new`, role: 'operator', active: true, pbxEndpoint: null });
    const me = await (await signIn(`${prefix}-new`, GOOD_PASSWORD)).get('/api/auth/me');
    expect(me.body.user).toMatchObject({ name: 'Новый Оператор', role: 'operator' });
    const [audit] = await t.dataSource.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'user.create' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit.details).toMatchObject({ login: `${prefix}-new`, role: 'operator' });
  });

  it('keeps an extension unique among active users (409), and frees it when its holder leaves', async () => {
    const ext = freeExtension();
    const holder = await seed('holder', 'operator', ext);
    const other = await seed('other', 'operator');
    const dup = await admin.post('/api/users', {
      login: `${prefix}-dup`,
      password: GOOD_PASSWORD,
      name: 'D',
      role: 'operator',
      extension: ext,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('EXTENSION_TAKEN');
    expect((await admin.patch(`/api/users/${other.id}`, { extension: ext })).body.error.code).toBe('EXTENSION_TAKEN');
    const check = await admin.get(`/api/users/extension-check?extension=${ext}`);
    expect(check.body).toEqual({
      extension: ext,
      takenBy: { id: holder.id, name: expect.any(String) },
      pbx: 'unknown',
    });

    expect((await admin.patch(`/api/users/${holder.id}`, { active: false })).status).toBe(200);
    const moved = await admin.patch(`/api/users/${other.id}`, { extension: ext });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ extension: ext, pbxEndpoint: 'unknown' });
    // The old holder cannot come back with it while the successor has it.
    const back = await admin.patch(`/api/users/${holder.id}`, { active: true });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('EXTENSION_TAKEN');
  });

  it('edits name, role, team and language, auditing each change with from and to', async () => {
    const user = await seed('edit', 'operator');
    const [team] = await t.dataSource.query(`INSERT INTO teams (name) VALUES ($1) RETURNING id`, [`${prefix} team`]);
    try {
      const res = await admin.patch(`/api/users/${user.id}`, { name: 'Переименован', teamId: team.id, locale: 'en' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Переименован', teamId: team.id, locale: 'en' });
      const [row] = await t.dataSource.query(
        `SELECT details FROM audit_log WHERE action = 'user.update' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
        [user.id],
      );
      expect(row.details.changes).toEqual({
        name: { from: expect.any(String), to: 'Переименован' },
        teamId: { from: null, to: team.id },
        locale: { from: 'ru', to: 'en' },
      });
      const missing = await admin.patch(`/api/users/${user.id}`, { teamId: '00000000-0000-4000-8000-000000000000' });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatchObject({ code: 'TEAM_NOT_FOUND', details: { field: 'teamId' } });
    } finally {
      await t.dataSource.query(`DELETE FROM teams WHERE id = $1`, [team.id]);
    }
  });

  it('changes one’s own password with the current one; the other sessions end, this one stays', async () => {
    const user = await seed('self', 'operator');
    const tab = await signIn(user.login);
    const phone = await signIn(user.login);
    const wrong = await tab.post('/api/users/me/password', {
      currentPassword: 'nope-nope-nope',
      newPassword: GOOD_PASSWORD,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'CURRENT_PASSWORD_WRONG', details: { field: 'currentPassword' } });
    const weak = await tab.post('/api/users/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: '1234567890',
    });
    expect(weak.body.error).toMatchObject({
      code: 'WEAK_PASSWORD',
      details: { field: 'newPassword', reason: 'too-common' },
    });
    expect(
      (await tab.post('/api/users/me/password', { currentPassword: TEST_PASSWORD, newPassword: GOOD_PASSWORD })).status,
    ).toBe(204);
    expect((await tab.get('/api/auth/me')).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    await signIn(user.login, GOOD_PASSWORD);
  });

  it('an admin resets a password: the user is signed out everywhere and signs in with the new one', async () => {
    const user = await seed('reset', 'operator');
    const tab = await signIn(user.login);
    expect((await admin.post(`/api/users/${user.id}/password`, { password: 'Qwe' })).body.error.code).toBe(
      'WEAK_PASSWORD',
    );
    expect((await admin.post(`/api/users/${user.id}/password`, { password: GOOD_PASSWORD })).status).toBe(204);
    expect((await tab.get('/api/auth/me')).status).toBe(401);
    await signIn(user.login, GOOD_PASSWORD);
  });

  it('deactivation signs the user out; the handover moves their open work to a colleague, each through its owner', async () => {
    const leaving = await seed('leaving', 'operator');
    const colleague = await seed('colleague', 'operator');
    const tab = await signIn(leaving.login);
    const make = async (path: string, body: Record<string, unknown>) => {
      const res = await tab.post(path, body);
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(201);
      return res.body.id as string;
    };
    const contact = await make('/api/contacts', { name: `${prefix} клиент` });
    await make('/api/companies', { name: `${prefix} компания` });
    const lead = await make('/api/leads', { name: `${prefix} лид` });
    const deal = await make('/api/deals', { title: `${prefix} сделка`, contactId: contact });
    await make('/api/tasks', { title: `${prefix} задача`, assigneeId: leaving.id });
    const closedLead = await make('/api/leads', { name: `${prefix} мусор` });
    await tab.patch(`/api/leads/${closedLead}`, { status: 'junk' });

    expect((await admin.patch(`/api/users/${leaving.id}`, { active: false })).status).toBe(200);
    expect((await tab.get('/api/auth/me')).status).toBe(401);
    const holdings = await admin.get(`/api/users/${leaving.id}/holdings`);
    expect(holdings.body).toEqual({ leads: 1, tasks: 1, deals: 1, contacts: 1, companies: 1 });

    const inactive = await admin.post(`/api/users/${leaving.id}/reassign`, { toUserId: leaving.id });
    expect(inactive.status).toBe(400);
    expect(inactive.body.error).toMatchObject({ code: 'REASSIGN_TARGET_INVALID', details: { field: 'toUserId' } });

    const leads = await admin.post(`/api/users/${leaving.id}/reassign`, { toUserId: colleague.id, kinds: ['leads'] });
    expect(leads.body).toEqual({ leads: 1, tasks: 0, deals: 0, contacts: 0, companies: 0 });
    const rest = await admin.post(`/api/users/${leaving.id}/reassign`, { toUserId: colleague.id });
    expect(rest.body).toEqual({ leads: 0, tasks: 1, deals: 1, contacts: 1, companies: 1 });
    expect((await admin.get(`/api/users/${leaving.id}/holdings`)).body).toEqual({
      leads: 0,
      tasks: 0,
      deals: 0,
      contacts: 0,
      companies: 0,
    });
    const colleagueApi = await signIn(colleague.login);
    expect((await colleagueApi.get(`/api/leads/${lead}`)).body.ownerId).toBe(colleague.id);
    expect((await colleagueApi.get(`/api/deals/${deal}`)).body.ownerId).toBe(colleague.id);
    // The junk lead is no open work: it stays with its owner.
    const [junk] = await t.dataSource.query(`SELECT owner_id FROM leads WHERE id = $1`, [closedLead]);
    expect(junk.owner_id).toBe(leaving.id);
    const audit = await t.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'user.reassign' AND entity_id = $1 ORDER BY id`,
      [leaving.id],
    );
    expect(audit.map((a: { details: unknown }) => a.details)).toEqual([
      { toUserId: colleague.id, moved: { leads: 1, tasks: 0, deals: 0, contacts: 0, companies: 0 } },
      { toUserId: colleague.id, moved: { leads: 0, tasks: 1, deals: 1, contacts: 1, companies: 1 } },
    ]);
  });
});
