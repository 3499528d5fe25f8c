import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ApiTokenScope, type CreatedApiTokenDto } from '@contracts/dto/api-token';
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

describe('API tokens: Bearer beside the cookie, scopes narrowing the owner, revocation, audit', () => {
  let t: TestApp;
  const prefix = suitePrefix('tokens');
  const users: SeededUser[] = [];
  let admin: ApiClient;
  let operator: ApiClient;
  let operatorUser: SeededUser;
  let stranger: ApiClient;

  const signedIn = async (role: SeededUser['role'], name: string) => {
    const user = await createUser(t.dataSource, `${prefix}-${name}`, role);
    users.push(user);
    const client = new ApiClient(t.baseUrl);
    await client.login(user.login, TEST_PASSWORD);
    return { user, client };
  };
  const makeToken = async (client: ApiClient, scopes: ApiTokenScope[], extra: Record<string, unknown> = {}) => {
    const res = await client.post<CreatedApiTokenDto>('/api/tokens', {
      name: `t ${scopes.join(' ')}`,
      scopes,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const audit = (tokenId: string) =>
    t.dataSource.query<{ action: string; actor_id: string; details: Record<string, unknown> }[]>(
      `SELECT action, actor_id, details FROM audit_log WHERE entity = 'api-token' AND entity_id = $1 ORDER BY id`,
      [tokenId],
    );

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await signedIn('admin', 'admin')).client;
    ({ user: operatorUser, client: operator } = await signedIn('operator', 'op'));
    stranger = (await signedIn('operator', 'stranger')).client;
  });
  afterAll(async () => {
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('a token without leads:write gets 403 INSUFFICIENT_SCOPE; with it the lead is made as the token’s owner', async () => {
    const reader = new ApiClient(t.baseUrl, (await makeToken(operator, ['leads:read'])).token);
    const refused = await reader.post('/api/leads', { name: `${prefix} lead` });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: { code: 'INSUFFICIENT_SCOPE', message: expect.any(String), details: { required: 'leads:write' } },
    });
    expect((await reader.get('/api/leads')).status).toBe(200);

    const writer = new ApiClient(t.baseUrl, (await makeToken(operator, ['leads:write'])).token);
    const made = await writer.post('/api/leads', { name: `${prefix} lead` });
    expect(made.status).toBe(201);
    expect(made.body.ownerId).toBe(operatorUser.id);
    // A write scope includes the read of the same resource, nothing else.
    expect((await writer.get(`/api/leads/${made.body.id as string}`)).status).toBe(200);
    expect((await writer.get('/api/contacts')).status).toBe(403);
  });

  it('narrows, never widens: an operator’s token sees only what the operator sees', async () => {
    const theirs = await stranger.post('/api/leads', { name: `${prefix} stranger lead` });
    const reader = new ApiClient(t.baseUrl, (await makeToken(operator, ['leads:read'])).token);
    const res = await reader.get(`/api/leads/${theirs.body.id as string}`);
    expect(res.status).toBe(404);
    // People-only routes refuse every token whatever its scopes: an operator's token is not a way to a session.
    const all = new ApiClient(t.baseUrl, (await makeToken(operator, ['leads:write', 'calls:write'])).token);
    expect((await all.get('/api/softphone/config')).body.error.code).toBe('INSUFFICIENT_SCOPE');
    expect((await all.post('/api/tokens', { name: 'chain', scopes: ['leads:read'] })).status).toBe(403);
    expect((await all.get('/api/auth/me')).body.user.id).toBe(operatorUser.id);
  });

  it('a team supervisor’s token sees their team’s records and not the others’, as their session does', async () => {
    const { user: lead, client: leadSession } = await signedIn('supervisor', 'team-lead');
    const team = await admin.post('/api/teams', { name: `${prefix} team`, supervisorId: lead.id });
    expect(team.status).toBe(201);
    try {
      expect((await admin.patch(`/api/users/${operatorUser.id}`, { teamId: team.body.id })).status).toBe(200);
      const inTeam = (await operator.post('/api/leads', { name: `${prefix} team lead` })).body.id as string;
      const outside = (await stranger.post('/api/leads', { name: `${prefix} outside lead` })).body.id as string;
      const token = new ApiClient(t.baseUrl, (await makeToken(leadSession, ['leads:read'])).token);
      expect((await token.get(`/api/leads/${inTeam}`)).status).toBe(200);
      expect((await token.get(`/api/leads/${outside}`)).status).toBe(404);
      expect((await leadSession.get(`/api/leads/${outside}`)).status).toBe(404);
    } finally {
      await admin.patch(`/api/users/${operatorUser.id}`, { teamId: null });
      await admin.request('DELETE', `/api/teams/${team.body.id as string}`);
    }
  });

  it('a revoked token gets 401 at once; revoking is audited, and so are creation and use', async () => {
    const made = await makeToken(operator, ['leads:write']);
    const client = new ApiClient(t.baseUrl, made.token);
    expect((await client.post('/api/leads', { name: `${prefix} before revoke` })).status).toBe(201);
    expect((await operator.delete(`/api/tokens/${made.id}`)).status).toBe(204);
    const after = await client.get('/api/leads');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    const listed = (await operator.get('/api/tokens')).body.items.find((x: { id: string }) => x.id === made.id);
    expect(listed.revokedAt).not.toBeNull();
    expect((await audit(made.id)).map((r) => r.action)).toEqual([
      'api-token.create',
      'api-token.use',
      'api-token.revoke',
    ]);
    const use = (await audit(made.id))[1]!;
    expect(use.actor_id).toBe(operatorUser.id);
    expect(use.details).toMatchObject({ method: 'POST', path: '/api/leads', prefix: made.prefix });
  });

  it('an expired token, or one whose owner was deactivated, gets 401', async () => {
    const expired = await makeToken(operator, ['leads:read']);
    await t.dataSource.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.id,
    ]);
    expect((await new ApiClient(t.baseUrl, expired.token).get('/api/leads')).status).toBe(401);

    const { user, client } = await signedIn('operator', 'leaver');
    const token = await makeToken(client, ['leads:read']);
    expect((await new ApiClient(t.baseUrl, token.token).get('/api/leads')).status).toBe(200);
    expect((await admin.patch(`/api/users/${user.id}`, { active: false })).status).toBe(200);
    expect((await new ApiClient(t.baseUrl, token.token).get('/api/leads')).status).toBe(401);
  });

  it('is shown once and stored only as its sha256; the list shows the prefix', async () => {
    const made = await makeToken(operator, ['calls:read']);
    expect(made.token.startsWith(made.prefix)).toBe(true);
    const listed = (await operator.get('/api/tokens')).body.items.find((x: { id: string }) => x.id === made.id);
    expect(listed).not.toHaveProperty('token');
    expect(listed).toMatchObject({ prefix: made.prefix, scopes: ['calls:read'], kind: 'personal' });
    const [row] = await t.dataSource.query<{ token_hash: Buffer; stored: string }[]>(
      `SELECT token_hash, row_to_json(t)::text AS stored FROM api_tokens t WHERE id = $1`,
      [made.id],
    );
    expect(row!.token_hash.equals(createHash('sha256').update(made.token).digest())).toBe(true);
    expect(row!.stored).not.toContain(made.token.slice(11));
  });

  it('CSRF rules for the cookie are unchanged; a token request needs no CSRF header and ignores the cookie', async () => {
    const noCsrf = await operator.post('/api/leads', { name: `${prefix} csrf` }, { noCsrf: true });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_HEADER_MISSING');

    const token = await makeToken(operator, ['leads:write']);
    const bare = new ApiClient(t.baseUrl, token.token);
    expect((await bare.post('/api/leads', { name: `${prefix} token no csrf` }, { noCsrf: true })).status).toBe(201);

    // The admin's cookie beside a broken token: the token decides, the admin's session is not used.
    const forged = await admin.get('/api/users', { headers: { authorization: `Bearer zv_${'x'.repeat(40)}` } });
    expect(forged.status).toBe(401);
    // A proxy's Basic auth in front of Zvonok is not ours to judge: the cookie works as before.
    const basic = await admin.get('/api/users', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(200);
  });

  it('integration tokens: admins only, acting as the user they name', async () => {
    const refused = await operator.post('/api/tokens', { name: 'x', kind: 'integration', scopes: ['leads:read'] });
    expect(refused.status).toBe(403);
    const made = await makeToken(admin, ['leads:write'], { kind: 'integration', ownerId: operatorUser.id });
    expect(made).toMatchObject({ kind: 'integration', ownerId: operatorUser.id });
    const lead = await new ApiClient(t.baseUrl, made.token).post('/api/leads', { name: `${prefix} via site` });
    expect(lead.body.ownerId).toBe(operatorUser.id);
    // Every admin sees and may revoke it; its owner (an operator) does not list it among their own.
    expect((await admin.get('/api/tokens')).body.items.some((x: { id: string }) => x.id === made.id)).toBe(true);
    expect((await operator.get('/api/tokens')).body.items.some((x: { id: string }) => x.id === made.id)).toBe(false);
    expect((await operator.delete(`/api/tokens/${made.id}`)).status).toBe(404);
    expect((await admin.delete(`/api/tokens/${made.id}`)).status).toBe(204);
  });

  it('bad input names the field', async () => {
    const res = await operator.post('/api/tokens', { name: 'x', scopes: ['leads:admin'] });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'scopes.0' })]);
    expect((await operator.post('/api/tokens', { name: 'x', scopes: [] })).status).toBe(400);
  });
});
