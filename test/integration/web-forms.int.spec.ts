import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestNode,
  suitePrefix,
  testConfig,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

const SITE = 'http://shop.example.test';
/** Numbers of this suite: +7 903 5xx xx xx with a per-run middle, so reruns never meet an old open lead. */
const run = String(Date.now() % 100_000).padStart(5, '0');
const number = (n: number) => `+7903${run}${String(n).padStart(2, '0')}`;

describe('website forms → leads: dedupe like calls, UTM, honeypot, limits, CORS, "call me back" outside hours', () => {
  let node: TestApp;
  let admin: ApiClient;
  let adminUser: SeededUser;
  const forms: string[] = [];
  const queue = `zv-web-${run}`;

  const makeForm = async (body: Record<string, unknown> = {}) => {
    const res = await admin.post('/api/forms', { name: `Site form ${forms.length}`, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    forms.push(res.body.id as string);
    return res.body as { id: string; key: string };
  };
  const post = (key: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${node.baseUrl}/api/public/forms/${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, headers: res.headers, body: await res.json().catch(() => null) }));
  const leadsOf = (e164: string) =>
    node.dataSource.query<{ id: string; source: string; utm: unknown; form_id: string; status: string }[]>(
      `SELECT id, source, utm, form_id, status FROM leads WHERE phone_e164 = $1 ORDER BY created_at`,
      [e164],
    );

  beforeAll(async () => {
    node = await startTestNode({ webForms: { ...testConfig().webForms, ratePerAddress: 12 } });
    adminUser = await createUser(node.dataSource, `${suitePrefix('forms')}-admin`, 'admin');
    admin = new ApiClient(node.baseUrl);
    await admin.login(adminUser.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    const phones = Array.from({ length: 20 }, (_, i) => number(i));
    await node.dataSource.query(
      `DELETE FROM tasks WHERE entity_id IN (SELECT id FROM leads WHERE phone_e164 = ANY($1))`,
      [phones],
    );
    await node.dataSource.query(
      `DELETE FROM notes WHERE entity_id IN (SELECT id FROM leads WHERE phone_e164 = ANY($1))`,
      [phones],
    );
    await node.dataSource.query(`DELETE FROM leads WHERE phone_e164 = ANY($1)`, [phones]);
    await node.dataSource.query(`DELETE FROM callback_requests WHERE phone_e164 = ANY($1)`, [phones]);
    await node.dataSource.query(`DELETE FROM notes WHERE entity_id IN (SELECT id FROM contacts WHERE name = $1)`, [
      `Web contact ${run}`,
    ]);
    await node.dataSource.query(`DELETE FROM contacts WHERE name = $1`, [`Web contact ${run}`]);
    await node.dataSource.query(`DELETE FROM web_forms WHERE id = ANY($1)`, [forms]);
    await node.dataSource.query(`DELETE FROM queue_business_hours WHERE queue = $1`, [queue]);
    await deleteUsers(node.dataSource, [adminUser.id]);
    await node?.close();
  });

  it('a new number becomes one lead (source web) with its UTM tags and form; the words become a note', async () => {
    const form = await makeForm();
    const res = await post(form.key, {
      name: 'Анна',
      phone: `8 (903) ${run.slice(0, 3)}-${run.slice(3)}-01`,
      email: 'anna@example.test',
      message: 'Нужна консультация',
      utm_source: 'yandex',
      utm_medium: 'cpc',
      utm_campaign: 'winter',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true, callback: null });
    const [lead, ...more] = await leadsOf(number(1));
    expect(more).toEqual([]);
    expect(lead).toMatchObject({
      source: 'web',
      form_id: form.id,
      utm: { source: 'yandex', medium: 'cpc', campaign: 'winter', term: null, content: null },
    });
    const [note] = await node.dataSource.query<{ body: string }[]>(
      `SELECT body FROM notes WHERE entity_type = 'lead' AND entity_id = $1`,
      [lead!.id],
    );
    expect(note!.body).toContain('Нужна консультация');
    expect(note!.body).toContain('utm_source=yandex');
    // The API shows the tags on the lead.
    const viaApi = await admin.get(`/api/leads/${lead!.id}`);
    expect(viaApi.body).toMatchObject({ source: 'web', formId: form.id, utm: { source: 'yandex' } });
    // Analytics counts it as a lead source, by its UTM tags.
    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const sources = await admin.get(`/api/analytics/lead-sources?from=${day}&to=${next}&tz=UTC`);
    expect(sources.body.rows).toContainEqual(
      expect.objectContaining({ source: 'web', utmSource: 'yandex', utmMedium: 'cpc', utmCampaign: 'winter' }),
    );
  });

  it('a number with an open lead (here: from a call) attaches to that lead; a contact’s number to the contact', async () => {
    const form = await makeForm();
    const [{ id: openLead }] = await node.dataSource.query<[{ id: string }]>(
      `INSERT INTO leads (source, status, phone_raw, phone_e164) VALUES ('call', 'new', $1, $1) RETURNING id`,
      [number(2)],
    );
    expect((await post(form.key, { phone: number(2), message: 'second touch' })).status).toBe(202);
    expect((await leadsOf(number(2))).map((l) => l.id)).toEqual([openLead]);
    const [submission] = await node.dataSource.query<{ lead_id: string; created_lead: boolean }[]>(
      `SELECT lead_id, created_lead FROM form_submissions WHERE form_id = $1`,
      [form.id],
    );
    expect(submission).toEqual({ lead_id: openLead, created_lead: false });

    const contact = await admin.post('/api/contacts', { name: `Web contact ${run}`, phones: [{ raw: number(3) }] });
    expect((await post(form.key, { phone: `8903${run}03`, message: 'from a client' })).status).toBe(202);
    expect(await leadsOf(number(3))).toEqual([]);
    const notes = await admin.get(`/api/notes?entityType=contact&entityId=${contact.body.id as string}`);
    expect(notes.body.items[0].body).toContain('from a client');
  });

  it('is exactly once under concurrency: ten simultaneous posts from a new number make one lead', async () => {
    const form = await makeForm();
    const results = await Promise.all(Array.from({ length: 10 }, () => post(form.key, { phone: number(4) })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(await leadsOf(number(4))).toHaveLength(1);
  });

  it('bad input: no phone or garbage in it → 400 naming the field; unknown fields too', async () => {
    const form = await makeForm();
    for (const body of [{ name: 'no phone' }, { phone: 'call me maybe' }, { phone: '12' }]) {
      const res = await post(form.key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'phone' }] });
    }
    const extra = await post(form.key, { phone: number(5), colour: 'red' });
    expect(extra.body.error.details).toEqual([{ field: 'colour', message: 'Unknown field' }]);
    const unknownForm = await post('wf_unknownunknownunknown', { phone: number(5) });
    expect(unknownForm.status).toBe(404);
    expect(unknownForm.body.error.code).toBe('FORM_NOT_FOUND');
  });

  it('the honeypot is accepted and dropped; a plain HTML form (urlencoded) works', async () => {
    const form = await makeForm();
    const bot = await post(form.key, { phone: number(6), website: 'http://spam.test' });
    expect(bot).toMatchObject({ status: 202, body: { accepted: true, callback: null } });
    expect(await leadsOf(number(6))).toEqual([]);
    const html = await fetch(`${node.baseUrl}/api/public/forms/${form.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ phone: number(7), name: 'Из формы', utm_source: 'vk' }).toString(),
    });
    expect(html.status).toBe(202);
    expect(await leadsOf(number(7))).toEqual([
      expect.objectContaining({ utm: expect.objectContaining({ source: 'vk' }) }),
    ]);
  });

  it('flooding: the address’s limit per form answers 429 with the usual error shape', async () => {
    const form = await makeForm();
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await post(form.key, { phone: number(8) })).status);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(202));
    const flooded = await post(form.key, { phone: number(8) });
    expect(flooded.status).toBe(429);
    expect(flooded.body.error.code).toBe('RATE_LIMITED');
  });

  it('CORS: the allowed origin gets the headers, another page 403; the snippet loads cross-origin', async () => {
    const form = await makeForm({ allowedOrigins: [SITE] });
    const preflight = await fetch(`${node.baseUrl}/api/public/forms/${form.key}`, {
      method: 'OPTIONS',
      headers: { origin: SITE, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SITE);
    const allowed = await post(form.key, { phone: number(9) }, { origin: SITE });
    expect(allowed.status).toBe(202);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE);
    const foreign = await post(form.key, { phone: number(10) }, { origin: 'http://evil.test' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(await leadsOf(number(10))).toEqual([]);

    const js = await fetch(`${node.baseUrl}/api/public/forms/${form.key}/embed.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('application/javascript');
    expect(js.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await js.text()).toContain(`/api/public/forms/${form.key}`);
  });

  it('"call me back" outside business hours (a holiday) becomes a callback task when the queue opens', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const allDay = [{ from: '00:00', to: '24:00' }];
    const week = { 1: allDay, 2: allDay, 3: allDay, 4: allDay, 5: allDay, 6: allDay, 7: allDay };
    const hours = await admin.request('PUT', `/api/business-hours/${queue}`, {
      timeZone: 'UTC',
      week,
      holidays: [today, tomorrow],
    });
    expect(hours.status, JSON.stringify(hours.body)).toBe(200);
    const form = await makeForm({ callbackQueue: queue });
    const res = await post(form.key, { phone: number(11), name: 'Олег', callback: true });
    const opens = new Date(Date.parse(`${tomorrow}T00:00:00Z`) + 86_400_000).toISOString();
    expect(res.body).toEqual({ accepted: true, callback: { status: 'scheduled', at: opens } });
    const [lead] = await leadsOf(number(11));
    const [task] = await node.dataSource.query<
      { kind: string; due_at: Date; queue: string; assignee_id: string | null; entity_id: string }[]
    >(`SELECT kind, due_at, queue, assignee_id, entity_id FROM tasks WHERE entity_id = $1`, [lead!.id]);
    expect(task).toMatchObject({ kind: 'callback', queue, assignee_id: null, entity_id: lead!.id });
    expect(task!.due_at.toISOString()).toBe(opens);
  });

  it('"call me back" while open, on a node that cannot place calls, becomes a task due now', async () => {
    await admin.request('PUT', `/api/business-hours/${queue}`, {
      timeZone: 'UTC',
      week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ from: '00:00', to: '24:00' }]])),
    });
    const form = await makeForm({ callbackQueue: queue });
    const before = Date.now();
    const res = await post(form.key, { phone: number(12), callback: true });
    expect(res.body).toEqual({ accepted: true, callback: { status: 'calling', at: null } });
    const [lead] = await leadsOf(number(12));
    let task: { due_at: Date; queue: string } | undefined;
    await waitFor(
      async () => {
        [task] = await node.dataSource.query(`SELECT due_at, queue FROM tasks WHERE entity_id = $1`, [lead!.id]);
        return task !== undefined;
      },
      { what: 'the callback task', timeoutMs: 10_000 },
    );
    expect(task!.queue).toBe(queue);
    expect(task!.due_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const [request] = await node.dataSource.query<{ status: string; reason: string }[]>(
      `SELECT status, reason FROM callback_requests WHERE phone_e164 = $1`,
      [number(12)],
    );
    expect(request).toEqual({ status: 'scheduled', reason: 'telephony cannot place callbacks' });
  });
});
