import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { USER_ROLES, type Role } from '@contracts/dto/user';
import { ApiClient, type ApiResponse } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { closedByServer, roundTrip } from '@test/security/support/sockets';
import { listRoutes, routeKey, type ApiRoute } from '@test/security/route-table';
import { BODY_REFERENCES, ROUTE_RULES, SOCKET_REVOCATIONS, type RouteAccess } from '@test/security/route-rules';
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

describe('security: authorization matrix (every /api route from the express route table × 4 roles + anonymous)', () => {
  let t: SecurityApp;
  let routes: ApiRoute[];
  const users: SeededUser[] = [];
  const clients = new Map<Role, ApiClient>();

  beforeAll(async () => {
    t = await startSecurityApp({}, { realtime: true });
    routes = listRoutes(t.app);
    const prefix = suitePrefix('matrix');
    for (const role of USER_ROLES) {
      const user = await createUser(t.dataSource, `${prefix}-${role}`, role);
      users.push(user);
      const client = new ApiClient(t.baseUrl);
      await client.login(user.login, TEST_PASSWORD);
      clients.set(role, client);
    }
  });
  afterAll(async () => {
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
      for (const role of USER_ROLES) {
        const res = await send(clients.get(role)!, route);
        if (access === 'token') {
          check(route, role, res, res.status === 401, '401 (a session does not replace the token)');
        } else if (allowedRoles(access).includes(role)) {
          check(route, role, res, res.status !== 401 && res.status !== 403, 'allowed (not 401/403)');
        } else {
          check(route, role, res, res.status === 403, '403');
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
