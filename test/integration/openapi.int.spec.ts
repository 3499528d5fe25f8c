import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type Role } from '@contracts/dto/user';
import { API_ROUTES } from '@server/modules/openapi/api-document';
import { ApiClient, type ApiResponse } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { OpenApiValidator } from '@test/support/openapi-validator';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { listRoutes, routeKey } from '@test/security/route-table';

type Document = ConstructorParameters<typeof OpenApiValidator>[0] & { openapi: string };

describe('OpenAPI 3.1 contract (/api/openapi.json) against the mounted routes and real responses', () => {
  let t: SecurityApp;
  let doc: Document;
  let validator: OpenApiValidator;
  const users: SeededUser[] = [];
  const as = new Map<Role, ApiClient>();
  const ids: Record<string, string> = {};
  const problems: string[] = [];

  /** Sends and validates against the document; returns the response for further checks. */
  const call = async (role: Role | null, method: string, path: string, url: string, body?: unknown, raw?: string) => {
    const client = role ? as.get(role)! : new ApiClient(t.baseUrl);
    const res: ApiResponse = raw
      ? await client.request(method, url, undefined, { rawBody: raw, headers: { 'content-type': 'text/csv' } })
      : await client.request(method, url, body);
    if (res.status === 500) problems.push(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    problems.push(...validator.problems(method, path, res));
    return res;
  };

  beforeAll(async () => {
    t = await startSecurityApp();
    const prefix = suitePrefix('openapi');
    for (const role of ['admin', 'manager', 'supervisor', 'operator'] as const) {
      const user = await createUser(t.dataSource, `${prefix}-${role}`, role);
      users.push(user);
      const client = new ApiClient(t.baseUrl);
      await client.login(user.login, TEST_PASSWORD);
      as.set(role, client);
    }
    doc = (await new ApiClient(t.baseUrl).get<Document>('/api/openapi.json')).body;
    validator = new OpenApiValidator(doc);
    const operator = users.find((u) => u.role === 'operator')!;
    ids.user = operator.id;
    ids.call = randomUUID();
    await t.dataSource.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at, operator_id)
       VALUES ($1, 'ami', 'inbound', '89130000000', '100', now(), $2)`,
      [ids.call, operator.id],
    );
    const [campaign] = (await t.dataSource.query(
      `INSERT INTO campaigns (name, mode, caller_id, call_window, retry_rules, dispositions)
       VALUES ($1, 'preview', '+74950001922', '{"from":"09:00","to":"21:00"}',
               '{"maxAttempts":3,"busy":15,"no-answer":120,"failed":60,"abandoned":30}', '{sale}') RETURNING id`,
      [`OA campaign ${randomUUID().slice(0, 8)}`],
    )) as { id: string }[];
    ids.campaign = campaign!.id;
  });
  beforeEach(() => {
    problems.splice(0);
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM campaigns WHERE id = $1`, [ids.campaign]);
    await t.dataSource.query(`DELETE FROM calls WHERE id = $1`, [ids.call]);
    await t.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [ids.webhook]);
    await t.dataSource.query(`DELETE FROM notes WHERE entity_id IN (SELECT id FROM leads WHERE form_id = $1)`, [
      ids.form,
    ]);
    await t.dataSource.query(`DELETE FROM leads WHERE form_id = $1`, [ids.form]);
    await t.dataSource.query(`DELETE FROM web_forms WHERE id = $1`, [ids.form]);
    await t.dataSource.query(`DELETE FROM queue_business_hours WHERE queue = 'oa-queue'`);
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    // After the users' deals (and with them their items).
    await t.dataSource.query(`DELETE FROM products WHERE id = $1`, [ids.product ?? null]);
    await t.close();
  });

  it('is OpenAPI 3.1 and names every mounted /api route, and only those', () => {
    expect(doc.openapi).toBe('3.1.0');
    const mounted = listRoutes(t.app).map(routeKey).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    expect(documented, 'in the document but not mounted / mounted but not documented').toEqual(mounted);
    expect(API_ROUTES.map(routeKey).sort()).toEqual(mounted);
  });

  it('writes, with their real answers, match the document', async () => {
    const sup = 'supervisor';
    ids.company = (await call(sup, 'POST', '/api/companies', '/api/companies', { name: 'OA Company' })).body.id;
    ids.contact = (
      await call(sup, 'POST', '/api/contacts', '/api/contacts', {
        name: 'OA Contact',
        companyId: ids.company,
        phones: [{ raw: '+7 916 555-00-11' }],
        tags: ['oa'],
      })
    ).body.id;
    ids.lead = (
      await call(sup, 'POST', '/api/leads', '/api/leads', { name: 'OA Lead', phone: '+79165550012' })
    ).body.id;
    ids.deal = (
      await call(sup, 'POST', '/api/deals', '/api/deals', { title: 'OA Deal', amount: 1200.5, contactId: ids.contact })
    ).body.id;
    ids.product = (
      await call('manager', 'POST', '/api/products', '/api/products', {
        name: 'OA Product',
        sku: `OA-${randomUUID().slice(0, 8)}`,
        price: 10,
      })
    ).body.id;
    await call('manager', 'PATCH', '/api/products/:id', `/api/products/${ids.product}`, { price: '12.50' });
    const itemsPath = `/api/deals/${ids.deal}/items`;
    await call(sup, 'POST', '/api/deals/:id/items', itemsPath, { productId: ids.product, quantity: 2 });
    ids.task = (await call(sup, 'POST', '/api/tasks', '/api/tasks', { title: 'OA Task' })).body.id;
    ids.note = (
      await call(sup, 'POST', '/api/notes', '/api/notes', { body: 'OA', entityType: 'contact', entityId: ids.contact })
    ).body.id;
    ids.import = (
      await call(sup, 'POST', '/api/imports', '/api/imports?fileName=oa.csv', undefined, 'name,phone\nOA,89165550013\n')
    ).body.id;
    ids.token = (await call(sup, 'POST', '/api/tokens', '/api/tokens', { name: 'OA', scopes: ['calls:read'] })).body.id;
    const form = await call('admin', 'POST', '/api/forms', '/api/forms', { name: 'OA form' });
    ids.form = form.body.id;
    ids.formKey = form.body.key;
    ids.webhook = (
      await call('admin', 'POST', '/api/webhooks', '/api/webhooks', {
        url: 'https://93.184.216.34/hook',
        events: ['lead.created'],
      })
    ).body.id;
    await call('admin', 'PATCH', '/api/webhooks/:id', `/api/webhooks/${ids.webhook}`, { description: 'OA' });
    await call('admin', 'PATCH', '/api/forms/:id', `/api/forms/${ids.form}`, { allowedOrigins: ['https://oa.test'] });
    await call('admin', 'PUT', '/api/business-hours/:queue', '/api/business-hours/oa-queue', {
      timeZone: 'Europe/Moscow',
      week: { 1: [{ from: '09:00', to: '18:00' }], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] },
      holidays: ['2027-01-01'],
    });
    await call(null, 'POST', '/api/public/forms/:formKey', `/api/public/forms/${ids.formKey}`, {
      phone: '+79165550015',
      utm_source: 'oa',
    });
    await call(sup, 'PATCH', '/api/contacts/:id', `/api/contacts/${ids.contact}`, { tags: ['oa', 'b'] });
    await call(sup, 'PATCH', '/api/leads/:id', `/api/leads/${ids.lead}`, { status: 'in_progress' });
    await call(sup, 'PATCH', '/api/deals/:id', `/api/deals/${ids.deal}`, { stage: 'proposal' });
    await call(sup, 'PATCH', '/api/tasks/:id', `/api/tasks/${ids.task}`, { done: true });
    await call(sup, 'PATCH', '/api/calls/:id/wrap-up', `/api/calls/${ids.call}/wrap-up`, { outcome: 'resolved' });
    await call(sup, 'PUT', '/api/agents/me/state', '/api/agents/me/state', { state: 'break', reason: 'lunch' });
    await call(sup, 'PUT', '/api/agents/:userId/state', `/api/agents/${ids.user}/state`, { state: 'available' });
    await call('admin', 'PUT', '/api/analytics/queue-settings/:queue', '/api/analytics/queue-settings/oa-queue', {
      wrapUpSeconds: 7,
    });
    await call('operator', 'POST', '/api/calls/originate', '/api/calls/originate', { destination: '+79165550014' });
    await call(sup, 'DELETE', '/api/notes/:id', `/api/notes/${ids.note}`);
    // Client timeline and do-not-call (issue 12): reassignment to the operator, the lead converted into the contact.
    for (const kind of ['contact', 'lead', 'deal', 'task']) {
      const path = `/api/${kind}s/:id/reassign`;
      await call(sup, 'POST', path, path.replace(':id', ids[kind]!), { userId: ids.user });
    }
    const converted = await call(sup, 'POST', '/api/leads/:id/convert', `/api/leads/${ids.lead}/convert`, {
      contactId: ids.contact,
    });
    expect(converted.status).toBe(200);
    await call('operator', 'POST', '/api/calls/dial-check', '/api/calls/dial-check', { destination: '+79165550014' });
    const blocked = await call('admin', 'POST', '/api/blocked-numbers', '/api/blocked-numbers', {
      phone: `+7916${String(Date.now()).slice(-7)}`,
      reason: 'OA spam',
    });
    const blockedPath = `/api/blocked-numbers/${blocked.body.id}`;
    await call('admin', 'PATCH', '/api/blocked-numbers/:id', blockedPath, { reason: 'OA spam, twice' });
    await call('admin', 'DELETE', '/api/blocked-numbers/:id', blockedPath);
    // Administration (issue 15): each made and removed again, so nothing outlives the spec.
    const unique = randomUUID().slice(0, 8);
    const team = await call('admin', 'POST', '/api/teams', '/api/teams', { name: `OA team ${unique}` });
    await call('admin', 'PATCH', '/api/teams/:id', `/api/teams/${team.body.id}`, { name: `OA team ${unique} b` });
    await call('admin', 'DELETE', '/api/teams/:id', `/api/teams/${team.body.id}`);
    const pipeline = await call('admin', 'POST', '/api/pipelines', '/api/pipelines', {
      nameRu: `ОА ${unique}`,
      nameEn: `OA ${unique}`,
      stages: [{ nameRu: 'Новая', nameEn: 'New' }],
    });
    await call('admin', 'DELETE', '/api/pipelines/:id', `/api/pipelines/${pipeline.body.id}`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('every GET route answers as documented (staff, with real records)', async () => {
    const query: Record<string, string> = {
      '/api/notes': `?entityType=contact&entityId=${ids.contact}`,
      '/api/routing/owner': '?phone=89160000000',
      '/api/contacts/export': '?format=csv',
      '/api/users/extension-check': '?extension=1001',
      '/api/timeline': `?entityType=contact&entityId=${ids.contact}`,
      '/api/search': '?q=OA',
      '/api/contacts/duplicates': '?phone=89160000000',
    };
    const analytics = '?from=2026-01-01&to=2026-02-01&tz=Europe/Moscow';
    // Analytics routes that take no range (settings and the live SLA alerts).
    const UNRANGED_ANALYTICS = [
      '/api/analytics/queue-settings',
      '/api/analytics/sla-thresholds',
      '/api/analytics/sla-alerts',
    ];
    for (const route of API_ROUTES.filter((r) => r.method === 'GET')) {
      const role: Role =
        typeof route.access === 'string'
          ? 'supervisor'
          : route.access.includes('supervisor')
            ? 'supervisor'
            : route.access[0]!;
      const url =
        route.path
          .replace(':userId', ids.user!)
          .replace(':queue', 'support')
          .replace(':formKey', ids.formKey!)
          .replace('/api/webhooks/:id', `/api/webhooks/${ids.webhook!}`)
          .replace(
            /^\/api\/(\w+)\/:id/,
            (_m, kind: string) => `/api/${kind}/${ids[kind.replace(/s$/, '').replace(/ie$/, 'y')] ?? randomUUID()}`,
          ) +
        (route.path.startsWith('/api/analytics/') && !UNRANGED_ANALYTICS.includes(route.path)
          ? analytics
          : (query[route.path] ?? ''));
      const res = await call(role, 'GET', route.path, url);
      // No recording, no routing token, no extension (softphone), a seeded call with no caller (its card):
      // documented errors, validated like the rest.
      const expectedError = [
        '/api/recordings/:id',
        '/api/calls/:id/card',
        '/api/routing/owner',
        '/api/routing/dial-policy',
        '/api/softphone/config',
      ];
      if (res.status >= 400 && !expectedError.includes(route.path)) {
        problems.push(`GET ${url} as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('spec-invalid requests get 400 with the usual error shape, which the document describes', async () => {
    const unknownField = await call('operator', 'POST', '/api/leads', '/api/leads', { name: 'x', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'colour', message: 'Unknown field' }],
    });
    const badType = await call('operator', 'GET', '/api/calls', '/api/calls?limit=lots');
    expect(badType.status).toBe(400);
    expect(badType.body.error.details[0].field).toBe('limit');
    await call(null, 'GET', '/api/leads', '/api/leads');
    await call('operator', 'GET', '/api/users', '/api/users');
    await call('operator', 'GET', '/api/leads/:id', `/api/leads/${randomUUID()}`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('serves the reference page and its renderer from this server, under a CSP of self-hosted scripts', async () => {
    const page = await fetch(`${t.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/api/docs/assets/swagger-ui-bundle.js', '/api/docs/init.js']);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const src of [...scripts, '/api/docs/assets/swagger-ui.css']) {
      const res = await fetch(`${t.baseUrl}${src}`);
      expect(res.status, src).toBe(200);
    }
    // Only the renderer's own files: nothing else of node_modules is reachable.
    expect((await fetch(`${t.baseUrl}/api/docs/assets/package.json`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/api/docs/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});
