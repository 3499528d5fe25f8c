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
import { seedCall } from '@test/support/call-events';

/**
 * A supervisor who leads a team sees that team's operators, clients, calls and recordings — and nothing of the
 * operators outside it; a supervisor who leads no team, managers and admins see everything. Real Postgres, the
 * real call recorder for the calls.
 */
describe('teams: a team supervisor sees their team, and only it', () => {
  let t: TestApp;
  let prefix: string;
  const users: SeededUser[] = [];
  const callIds: string[] = [];
  let teamId: string;
  let otherTeamId: string;
  let inTeam: SeededUser;
  let outside: SeededUser;
  let lead: ApiClient;
  let freeSupervisor: ApiClient;
  let admin: ApiClient;
  const records: Record<'inside' | 'outside', { contact: string; call: string; recording: string }> = {} as never;

  const seed = async (name: string, role: SeededUser['role'], extension: string | null = null) => {
    const user = await createUser(t.dataSource, `${prefix}-${name}`, role, extension);
    users.push(user);
    return user;
  };
  const signIn = async (user: SeededUser) => {
    const client = new ApiClient(t.baseUrl);
    await client.login(user.login, TEST_PASSWORD);
    return client;
  };
  const ext = () => `7${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;

  beforeAll(async () => {
    t = await startTestApp();
    prefix = suitePrefix('teams');
    const supervisor = await seed('lead', 'supervisor');
    admin = await signIn(await seed('admin', 'admin'));
    inTeam = await seed('op-in', 'operator', ext());
    outside = await seed('op-out', 'operator', ext());
    const made = await admin.post('/api/teams', { name: `${prefix} A`, supervisorId: supervisor.id });
    expect(made.status).toBe(201);
    teamId = made.body.id;
    otherTeamId = (await admin.post('/api/teams', { name: `${prefix} B` })).body.id;
    expect((await admin.patch(`/api/users/${inTeam.id}`, { teamId })).status).toBe(200);
    expect((await admin.patch(`/api/users/${outside.id}`, { teamId: otherTeamId })).status).toBe(200);
    lead = await signIn(supervisor);
    freeSupervisor = await signIn(await seed('free', 'supervisor'));

    for (const [key, op] of [
      ['inside', inTeam],
      ['outside', outside],
    ] as const) {
      const opApi = await signIn(op);
      const contact = (await opApi.post('/api/contacts', { name: `${prefix} ${key}` })).body.id as string;
      const [extRow] = await t.dataSource.query(`SELECT extension FROM users WHERE id = $1`, [op.id]);
      const call = await seedCall(t.dataSource, {
        fromRaw: '89160000000',
        fromE164: '+79160000000',
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
        answeredBy: extRow.extension,
        talkSeconds: 30,
      });
      callIds.push(call);
      const [rec] = await t.dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime)
         VALUES ($1, $2, 1, repeat('a', 64), 'audio/ogg') RETURNING id`,
        [call, `teams-spec/${randomUUID()}.ogg`],
      );
      records[key] = { contact, call, recording: rec.id };
    }
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    await t.dataSource.query(`DELETE FROM teams WHERE id = ANY($1)`, [[teamId, otherTeamId]]);
    const ids = users.map((u) => u.id);
    await t.dataSource.query(`DELETE FROM audit_log WHERE entity_id = ANY($1::text[]) OR actor_id = ANY($1::uuid[])`, [
      ids,
    ]);
    await deleteUsers(t.dataSource, ids);
    await t.close();
  });

  it('lists only their own teams and their members among the users', async () => {
    const teams = (await lead.get('/api/teams')).body.items;
    expect(teams.map((x: { id: string }) => x.id)).toEqual([teamId]);
    expect(teams[0].memberIds).toEqual([inTeam.id]);
    const userIds = (await lead.get('/api/users')).body.items.map((u: { id: string }) => u.id);
    expect(userIds).toContain(inTeam.id);
    expect(userIds).not.toContain(outside.id);
    expect((await lead.get(`/api/users/${outside.id}`)).status).toBe(404);
  });

  it("sees the team's clients and calls; outside the team answers 404 as if missing", async () => {
    expect((await lead.get(`/api/contacts/${records.inside.contact}`)).status).toBe(200);
    expect((await lead.get(`/api/contacts/${records.outside.contact}`)).status).toBe(404);
    expect((await lead.get(`/api/calls/${records.inside.call}`)).status).toBe(200);
    expect((await lead.get(`/api/calls/${records.outside.call}`)).status).toBe(404);
    const log = (await lead.get('/api/calls?phone=89160000000&limit=100')).body.items.map((c: { id: string }) => c.id);
    expect(log).toContain(records.inside.call);
    expect(log).not.toContain(records.outside.call);
    const names = (await lead.get(`/api/contacts?q=${encodeURIComponent(prefix)}`)).body.items.map(
      (c: { name: string }) => c.name,
    );
    expect(names).toEqual([`${prefix} inside`]);
  });

  it("may listen to the team's recordings only (outside: 403, audited)", async () => {
    // The row has no file behind it: access granted shows as 404 RECORDING_NOT_FOUND, refused as 403.
    const inside = await lead.get(`/api/recordings/${records.inside.recording}`);
    expect(inside.body.error.code).toBe('RECORDING_NOT_FOUND');
    const out = await lead.get(`/api/recordings/${records.outside.recording}`);
    expect(out.status).toBe(403);
    const [denied] = await t.dataSource.query(
      `SELECT action FROM audit_log WHERE entity_id = $1 AND action = 'recording.listen-denied'`,
      [records.outside.recording],
    );
    expect(denied).toBeDefined();
    expect((await lead.get(`/api/calls/${records.inside.call}`)).body.recordingUrl).toBe(
      `/api/recordings/${records.inside.recording}`,
    );
  });

  it('a supervisor who leads no team, and an admin, see both; the call log filters by team', async () => {
    expect((await freeSupervisor.get(`/api/contacts/${records.outside.contact}`)).status).toBe(200);
    expect((await freeSupervisor.get(`/api/calls/${records.outside.call}`)).status).toBe(200);
    const byTeam = (await admin.get(`/api/calls?teamId=${teamId}&phone=89160000000&limit=100`)).body.items.map(
      (c: { id: string }) => c.id,
    );
    expect(byTeam).toContain(records.inside.call);
    expect(byTeam).not.toContain(records.outside.call);
    // A team supervisor naming another team gets nothing of it.
    const foreign = (await lead.get(`/api/calls?teamId=${otherTeamId}&phone=89160000000`)).body.items;
    expect(foreign).toEqual([]);
  });

  it('analytics and the wallboard count only the team (filter or a team supervisor’s scope)', async () => {
    const day = new Date(Date.now() - 3_600_000).toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day}&to=${next}&tz=UTC`;
    const ops = (path: string, client: ApiClient) =>
      client.get(path).then((r) => r.body.rows.map((row: { userId: string }) => row.userId));
    const scoped = await ops(`/api/analytics/operators?${range}`, lead);
    expect(scoped).toEqual([inTeam.id]);
    const filtered = await ops(`/api/analytics/operators?${range}&teamId=${otherTeamId}`, admin);
    expect(filtered).toEqual([outside.id]);
    const summary = await admin.get(`/api/analytics/summary?${range}&teamId=${teamId}`);
    expect(summary.body.calls.answered).toBe(1);
    const board = await admin.get(`/api/wallboard?teamId=${teamId}`);
    expect(board.status).toBe(200);
    expect(board.body.operators.every((o: { userId: string }) => o.userId === inTeam.id)).toBe(true);
  });

  it('a team is led by an active supervisor; names are unique; changes are audited', async () => {
    const notSupervisor = await admin.post('/api/teams', { name: `${prefix} C`, supervisorId: inTeam.id });
    expect(notSupervisor.status).toBe(400);
    expect(notSupervisor.body.error).toMatchObject({
      code: 'TEAM_LEADER_NOT_SUPERVISOR',
      details: { field: 'supervisorId' },
    });
    expect((await admin.post('/api/teams', { name: `${prefix} A` })).body.error.code).toBe('TEAM_NAME_TAKEN');
    const [row] = await t.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'team.create' AND entity_id = $1`,
      [teamId],
    );
    expect(row.details).toMatchObject({ name: `${prefix} A` });
  });
});
