import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { API_TOKEN_SCOPES, type ApiTokenScope } from '@contracts/dto/api-token';
import { USER_ROLES, type Role } from '@contracts/dto/user';
import { ApiClient, type ApiResponse } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { closedByServer, roundTrip } from '@test/security/support/sockets';
import { listRoutes, routeKey, type ApiRoute } from '@test/security/route-table';
import {
  BODY_REFERENCES,
  ROUTE_RULES,
  ROUTE_SCOPES,
  SOCKET_REVOCATIONS,
  type RouteAccess,
} from '@test/security/route-rules';
import { probeBodyReferences, seedRecords, uncoveredReferenceFields } from '@test/security/support/body-references';
import { openSocket } from '@test/support/web-node';

const RULES_FILE = 'test/security/route-rules.ts';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A concrete URL for a route pattern: every `:param` becomes a fresh UUID (absent rows → 404, never 403). */
const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, () => randomUUID());

const send = (client: ApiClient, route: ApiRoute): Promise<ApiResponse> =>
  client.request(route.method, concrete(route.path), BODY_METHODS.has(route.method) ? {} : undefined);

const allowedRoles = (access: Exclude<RouteAccess, 'public' | 'token'>): readonly Role[] =>
  access === 'any' ? USER_ROLES : access;

describe('security: authorization matrix (every /api route × 4 roles, a team supervisor and anonymous)', () => {
  let t: SecurityApp;
  let routes: ApiRoute[];
  const users: SeededUser[] = [];
  const clients = new Map<Role, ApiClient>();
  /** A supervisor who leads a team: row scope changes (teams.int.spec.ts), route access must not. */
  let teamSupervisor: ApiClient;
  let teamId: string;

  beforeAll(async () => {
    t = await startSecurityApp();
    routes = listRoutes(t.app);
    const prefix = suitePrefix('matrix');
    for (const role of USER_ROLES) {
      const user = await createUser(t.dataSource, `${prefix}-${role}`, role);
      users.push(user);
      const client = new ApiClient(t.baseUrl);
      await client.login(user.login, TEST_PASSWORD);
      clients.set(role, client);
    }
    const lead = await createUser(t.dataSource, `${prefix}-team-lead`, 'supervisor');
    users.push(lead);
    [{ id: teamId }] = await t.dataSource.query(
      `INSERT INTO teams (name, supervisor_id) VALUES ($1, $2) RETURNING id`,
      [`${prefix} team`, lead.id],
    );
    teamSupervisor = new ApiClient(t.baseUrl);
    await teamSupervisor.login(lead.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM teams WHERE id = $1`, [teamId]);
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('the route table is read from express (sanity: known routes are listed)', () => {
    const keys = routes.map(routeKey);
    expect(keys).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/contacts/:id', 'GET /api/users']));
    expect(keys.length).toBeGreaterThan(20);
  });

  it('every /api route has an authorization rule', () => {
    const missing = routes.map(routeKey).filter((key) => !(key in ROUTE_RULES));
    expect(
      missing,
      `These routes have no authorization rule. Add each as \`'<METHOD> <path>': 'any' | 'public' | 'token' | ` +
        `[roles]\` to ROUTE_RULES in ${RULES_FILE}:\n${missing.map((k) => `  '${k}'`).join('\n')}`,
    ).toEqual([]);
  });

  it('no rule describes a route that no longer exists', () => {
    const present = new Set(routes.map(routeKey));
    const stale = Object.keys(ROUTE_RULES).filter((key) => !present.has(key));
    expect(stale, `Remove (or rename) these entries of ROUTE_RULES in ${RULES_FILE}: ${stale.join(', ')}`).toEqual([]);
  });

  it('each role gets exactly what its rule grants: 401 anonymous, 403 for other roles, never 5xx', async () => {
    const failures: string[] = [];
    const check = (route: ApiRoute, who: string, res: ApiResponse, ok: boolean, expected: string) => {
      if (res.status >= 500 && res.status !== 503) {
        failures.push(`${routeKey(route)} as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
      } else if (!ok) {
        failures.push(
          `${routeKey(route)} as ${who}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
    };
    const anonymous = new ApiClient(t.baseUrl);
    for (const route of routes) {
      const access = ROUTE_RULES[routeKey(route)];
      if (access === undefined) continue; // reported by the rule-coverage test above
      const anon = await send(anonymous, route);
      if (access === 'public') {
        check(route, 'anonymous', anon, anon.status !== 401 && anon.status !== 403, 'not 401/403');
        continue;
      }
      check(route, 'anonymous', anon, anon.status === 401, '401');
      if (anon.status === 401) expect(anon.body).toMatchObject({ error: { code: expect.any(String) } });
      const callers: [string, Role, ApiClient][] = [
        ...USER_ROLES.map((role): [string, Role, ApiClient] => [role, role, clients.get(role)!]),
        ['team supervisor', 'supervisor', teamSupervisor],
      ];
      for (const [who, role, client] of callers) {
        const res = await send(client, route);
        if (access === 'token') {
          check(route, who, res, res.status === 401, '401 (a session does not replace the token)');
        } else if (allowedRoles(access).includes(role)) {
          check(route, who, res, res.status !== 401 && res.status !== 403, 'allowed (not 401/403)');
        } else {
          check(route, who, res, res.status === 403, '403');
          if (res.status === 403)
            expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
        }
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('every …Id field of a request body has a foreign-key rule, on a route that exists', () => {
    const uncovered = uncoveredReferenceFields();
    expect(uncovered, `Describe these fields in BODY_REFERENCES of ${RULES_FILE}: ${uncovered.join(', ')}`).toEqual([]);
    const present = new Set(routes.map(routeKey));
    expect(Object.keys(BODY_REFERENCES).filter((key) => !present.has(key))).toEqual([]);
  });

  it('an operator cannot name another operator’s records in a body (hidden = missing), but can name its own', async () => {
    const operator = users.find((u) => u.role === 'operator')!;
    const stranger = await createUser(t.dataSource, `${suitePrefix('matrix')}-stranger`, 'operator');
    users.push(stranger);
    const strangerClient = new ApiClient(t.baseUrl);
    await strangerClient.login(stranger.login, TEST_PASSWORD);
    const me = { id: operator.id, client: clients.get('operator')! };
    const them = { id: stranger.id, client: strangerClient };
    const failures = await probeBodyReferences(
      { ...me, records: await seedRecords(t.dataSource, me) },
      { ...them, records: await seedRecords(t.dataSource, them) },
    );
    expect(failures, failures.join('\n')).toEqual([]);
  });

  describe('API tokens (test/security/route-rules.ts ROUTE_SCOPES)', () => {
    const tokens = new Map<string, ApiClient>();
    /** A personal token of the suite's `role` user holding exactly `scopes`, made once through the API. */
    const tokenClient = async (role: Role, scopes: readonly ApiTokenScope[]): Promise<ApiClient> => {
      const key = `${role}|${[...scopes].sort().join(',')}`;
      const known = tokens.get(key);
      if (known) return known;
      const res = await clients.get(role)!.post('/api/tokens', { name: `matrix ${tokens.size}`, scopes });
      if (res.status !== 201) throw new Error(`token ${key}: ${res.status} ${JSON.stringify(res.body)}`);
      const client = new ApiClient(t.baseUrl, res.body.token as string);
      tokens.set(key, client);
      return client;
    };
    /** Every scope but those that would grant `scope` (itself, and its write for a read). */
    const allBut = (scope: ApiTokenScope | 'any' | null): ApiTokenScope[] =>
      API_TOKEN_SCOPES.filter(
        (s) => s !== scope && (!scope?.endsWith(':read') || s !== scope.replace(':read', ':write')),
      );

    it('every /api route has a token-scope rule, and no rule describes a missing route', () => {
      const keys = routes.map(routeKey);
      const missing = keys.filter((key) => !(key in ROUTE_SCOPES));
      expect(missing, `Add these to ROUTE_SCOPES in ${RULES_FILE}: ${missing.join(', ')}`).toEqual([]);
      const stale = Object.keys(ROUTE_SCOPES).filter((key) => !keys.includes(key));
      expect(stale, `Remove these from ROUTE_SCOPES in ${RULES_FILE}: ${stale.join(', ')}`).toEqual([]);
    });

    it('a token is refused (403) without its route’s scope and let through with exactly that scope', async () => {
      const failures: string[] = [];
      for (const route of routes) {
        const key = routeKey(route);
        const access = ROUTE_RULES[key];
        const scope = ROUTE_SCOPES[key];
        // The dialplan lookup is decided before any API token is read (its own shared secret).
        if (access === undefined || scope === undefined || access === 'token') continue;
        const role = access === 'public' || access === 'any' ? 'admin' : access[0]!;
        const without = await send(await tokenClient(role, allBut(scope)), route);
        if (without.status >= 500 && without.status !== 503) {
          failures.push(`${key} without its scope: ${without.status} ${JSON.stringify(without.body)}`);
        } else if (scope === 'any') {
          if (without.status === 401 || without.status === 403)
            failures.push(`${key}: any token, got ${without.status}`);
        } else if (without.status !== 403 || without.body?.error?.code !== 'INSUFFICIENT_SCOPE') {
          failures.push(
            `${key} without ${scope ?? 'a scope (people only)'}: expected 403 INSUFFICIENT_SCOPE, got ${
              without.status
            } ${JSON.stringify(without.body)}`,
          );
        }
        if (scope === null || scope === 'any') continue;
        const withScope = await send(await tokenClient(role, [scope]), route);
        if (
          withScope.status === 401 ||
          withScope.status === 403 ||
          (withScope.status >= 500 && withScope.status !== 503)
        )
          failures.push(
            `${key} with ${scope} as ${role}: expected allowed, got ${withScope.status} ${JSON.stringify(
              withScope.body,
            )}`,
          );
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });
  });

  describe('socket revocation (test/security/route-rules.ts SOCKET_REVOCATIONS)', () => {
    /** Ends something for `target`, signed in with `session` (its first session); `admin` is a signed-in admin. */
    type Revoke = (ctx: { target: SeededUser; session: ApiClient; admin: ApiClient }) => Promise<number>;
    const PERFORM: Record<keyof typeof SOCKET_REVOCATIONS, Revoke> = {
      'POST /api/auth/logout': async ({ session }) => (await session.post('/api/auth/logout')).status,
      'POST /api/auth/login over an old session cookie': async ({ session, target }) =>
        (await session.login(target.login, TEST_PASSWORD)).status,
      'PATCH /api/users/:id {role}': async ({ admin, target }) =>
        (await admin.patch(`/api/users/${target.id}`, { role: 'manager' })).status,
      'PATCH /api/users/:id {active: false}': async ({ admin, target }) =>
        (await admin.patch(`/api/users/${target.id}`, { active: false })).status,
    };

    it.each(Object.entries(SOCKET_REVOCATIONS) as [keyof typeof SOCKET_REVOCATIONS, 'session' | 'user'][])(
      '%s closes the %s’s sockets, and only those',
      async (action, scope) => {
        const target = await createUser(t.dataSource, `${suitePrefix('revoke')}-op`, 'operator');
        users.push(target);
        const session = new ApiClient(t.baseUrl);
        const otherSession = new ApiClient(t.baseUrl);
        await session.login(target.login, TEST_PASSWORD);
        await otherSession.login(target.login, TEST_PASSWORD);
        const socket = await openSocket(t.baseUrl, session.cookie);
        const otherSocket = await openSocket(t.baseUrl, otherSession.cookie);
        const bystander = await openSocket(t.baseUrl, clients.get('operator')!.cookie);
        try {
          const closed = closedByServer(socket, `${action}: the socket of the session it ended`);
          const closedToo = scope === 'user' ? closedByServer(otherSocket, `${action}: the user's other socket`) : null;
          expect(await PERFORM[action]({ target, session, admin: clients.get('admin')! })).toBeLessThan(300);
          expect(await closed).toBe('io server disconnect');
          if (closedToo) expect(await closedToo).toBe('io server disconnect');
          else expect(await roundTrip(otherSocket)).toBe(true);
          expect(await roundTrip(bystander)).toBe(true);
        } finally {
          for (const s of [socket, otherSocket, bystander]) s.close();
        }
      },
    );
  });
});
