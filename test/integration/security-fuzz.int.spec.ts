import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { inboundSchemas, schemaProperty } from '@test/security/api-schema-properties';
import { listRoutes, routeKey } from '@test/security/route-table';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';

/** `npm test` runs a few cases; ZVONOK_FUZZ_RUNS raises it (the bench runs 10^5 per schema, pure, no HTTP). */
const RUNS = Number(process.env.ZVONOK_FUZZ_RUNS ?? 40);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Login is rate limited (its own suite covers it); logout would end the fuzzer's session. */
const SKIP = new Set(['POST /api/auth/login', 'POST /api/auth/logout']);

describe('fuzz: API schemas (fast-check) and every body/query route over HTTP never 5xx', () => {
  let t: SecurityApp;
  const users: SeededUser[] = [];
  const clients: ApiClient[] = [];

  beforeAll(async () => {
    t = await startSecurityApp();
    const prefix = suitePrefix('fuzz');
    for (const role of ['operator', 'admin'] as const) {
      const u = await createUser(t.dataSource, `${prefix}-${role}`, role);
      users.push(u);
      const client = new ApiClient(t.baseUrl);
      await client.login(u.login, TEST_PASSWORD);
      clients.push(client);
    }
  });
  afterAll(async () => {
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('every inbound zod schema: parse never throws, and what it accepts parses again unchanged', () => {
    const schemas = inboundSchemas();
    expect(schemas.length).toBeGreaterThan(20);
    for (const s of schemas) fc.assert(schemaProperty(s), { numRuns: RUNS * 5 });
  });

  it('random JSON bodies and query strings: 4xx with the error shape or success, never a 5xx', async () => {
    const routes = listRoutes(t.app).filter((r) => !SKIP.has(routeKey(r)));
    const params = (path: string, id: string) => path.replace(/:[A-Za-z_]+/g, id);
    const query = fc.dictionary(
      fc.constantFrom('q', 'phone', 'limit', 'offset', 'from', 'to', 'status', 'stage', 'open', 'days', 'x'),
      fc.oneof(fc.string({ maxLength: 50 }), fc.integer().map(String), fc.constant('\u0000')),
      { maxKeys: 4 },
    );
    const failures: string[] = [];
    for (const route of routes) {
      const body = BODY_METHODS.has(route.method);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...clients),
          fc.oneof(fc.uuid(), fc.constantFrom('1', 'x%00', '..%2f..', 'null')),
          body ? fc.jsonValue({ maxDepth: 3 }) : query,
          async (client, id, payload) => {
            const path = params(route.path, id);
            const res = body
              ? await client.request(route.method, path, payload)
              : await client.request(route.method, `${path}?${new URLSearchParams(payload as Record<string, string>)}`);
            if (res.status >= 500 && res.status !== 503) {
              failures.push(
                `${routeKey(route)} ${JSON.stringify(payload)} → ${res.status} ${JSON.stringify(res.body)}`,
              );
              return false;
            }
            if (res.status >= 400 && typeof res.body === 'object') {
              expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
            }
            return true;
          },
        ),
        { numRuns: Math.max(5, Math.round(RUNS / 4)) },
      );
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
