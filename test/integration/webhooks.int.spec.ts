import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestNode,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { FAST_WEBHOOKS, WebhookReceiver } from '@test/support/webhook-receiver';

const ALL_EVENTS = [
  'lead.created',
  'lead.converted',
  'deal.stage_changed',
  'task.created',
  'contact.created',
  'call.ended',
  'call.missed',
  'recording.ready',
  'task.escalated',
];

describe('webhooks: signed deliveries of CRM events from a persistent queue, log, redelivery, SSRF guard', () => {
  let node: TestApp;
  let admin: ApiClient;
  let operator: ApiClient;
  const users: SeededUser[] = [];
  const receiver = new WebhookReceiver();
  let endpoint: { id: string; secret: string };

  const verify = (secret: string, hook: WebhookReceiver['received'][number]) =>
    new Webhook(secret).verify(hook.body, {
      'webhook-id': String(hook.headers['webhook-id']),
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    });

  beforeAll(async () => {
    await receiver.start();
    node = await startTestNode({ webhooks: FAST_WEBHOOKS });
    const prefix = suitePrefix('webhooks');
    for (const role of ['admin', 'operator'] as const) {
      const user = await createUser(node.dataSource, `${prefix}-${role}`, role);
      users.push(user);
    }
    admin = new ApiClient(node.baseUrl);
    await admin.login(users[0]!.login, TEST_PASSWORD);
    operator = new ApiClient(node.baseUrl);
    await operator.login(users[1]!.login, TEST_PASSWORD);
    const res = await admin.post('/api/webhooks', { url: receiver.url, events: ALL_EVENTS, description: 'test' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    endpoint = res.body;
  });
  afterAll(async () => {
    await admin?.delete(`/api/webhooks/${endpoint.id}`);
    await deleteUsers(
      node.dataSource,
      users.map((u) => u.id),
    );
    await node?.close();
    await receiver.stop();
  });

  it('refuses URLs into private, loopback or link-local networks unless allow-listed: 400 naming the field', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.8/', 'http://[::1]:9/']) {
      const res = await admin.post('/api/webhooks', { url, events: ['lead.created'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', details: { field: 'url' } });
    }
    const bad = await admin.post('/api/webhooks', { url: 'ftp://example.com/', events: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['events.0', 'url']);
    // The allow-list (127.0.0.1 here) is what lets the test receiver in; an update is checked the same way.
    expect((await admin.patch(`/api/webhooks/${endpoint.id}`, { url: 'http://192.168.1.1/' })).status).toBe(400);
    expect((await operator.get('/api/webhooks')).status).toBe(403);
  });

  it('delivers each CRM event signed per Standard Webhooks, versioned, from the service that owns the record', async () => {
    const mark = receiver.received.length;
    const contact = await operator.post('/api/contacts', { name: 'Hook Contact', phones: [{ raw: '+79031110011' }] });
    const lead = await operator.post('/api/leads', { name: 'Hook Lead', phone: '+79031110012' });
    await operator.patch(`/api/leads/${lead.body.id as string}`, { status: 'converted', contactId: contact.body.id });
    const deal = await operator.post('/api/deals', { title: 'Hook Deal', contactId: contact.body.id });
    await operator.patch(`/api/deals/${deal.body.id as string}`, { stage: 'proposal' });
    const task = await operator.post('/api/tasks', { title: 'Hook Task' });
    const wanted = ['contact.created', 'lead.created', 'lead.converted', 'deal.stage_changed', 'task.created'];
    await waitFor(async () => wanted.every((t) => receiver.received.slice(mark).some((r) => r.json.type === t)), {
      what: 'the five CRM events at the receiver',
      timeoutMs: 15_000,
    });
    const got = receiver.received.slice(mark);
    for (const hook of got) {
      expect(verify(endpoint.secret, hook)).toEqual(hook.json);
      expect(hook.json).toMatchObject({ version: 1, id: hook.headers['webhook-id'] });
      expect(hook.headers['content-type']).toBe('application/json');
    }
    const data = (type: string) => got.find((r) => r.json.type === type)!.json.data;
    expect(data('contact.created')).toMatchObject({ contact: { id: contact.body.id, name: 'Hook Contact' } });
    expect(data('lead.created')).toMatchObject({ lead: { id: lead.body.id, phoneE164: '+79031110012' } });
    expect(data('lead.converted')).toMatchObject({ lead: { id: lead.body.id, status: 'converted' } });
    expect(data('deal.stage_changed')).toMatchObject({ deal: { id: deal.body.id }, from: 'new', to: 'proposal' });
    expect(data('task.created')).toMatchObject({ task: { id: task.body.id, title: 'Hook Task' } });
    // Another secret does not verify: the signature is the endpoint's own.
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, got[0]!)).toThrow();
  });

  it('retries a failing endpoint with backoff, then marks the delivery failed; the log has every attempt', async () => {
    receiver.answer = (hook) => (hook.json.type === 'task.created' ? 503 : 200);
    const task = await operator.post('/api/tasks', { title: 'Always refused' });
    const deliveries = async () =>
      (await admin.get(`/api/webhooks/${endpoint.id}/deliveries?limit=100`)).body.items as {
        id: string;
        status: string;
        attempts: number;
        payload: { data: { task?: { id: string } } };
        log: { statusCode: number | null; attempt: number; durationMs: number; manual: boolean }[];
      }[];
    const mine = async () => (await deliveries()).find((d) => d.payload.data.task?.id === task.body.id);
    await waitFor(async () => (await mine())?.status === 'failed', { what: 'delivery failed', timeoutMs: 30_000 });
    const failed = (await mine())!;
    expect(failed.attempts).toBe(FAST_WEBHOOKS.retryLimit + 1);
    expect(failed.log.map((a) => a.statusCode)).toEqual([503, 503, 503, 503]);
    expect(failed.log.map((a) => a.attempt)).toEqual([4, 3, 2, 1]);
    const sent = receiver.of('task.created').filter((r) => (r.json.data.task as { id: string }).id === task.body.id);
    expect(new Set(sent.map((r) => r.json.id)).size).toBe(1);
    expect(sent.length).toBe(4);

    // A manual redelivery once the endpoint works again: one more request, same webhook-id, logged as manual.
    receiver.answer = () => 200;
    const re = await admin.post(`/api/webhooks/deliveries/${failed.id}/redeliver`);
    expect(re.status).toBe(202);
    await waitFor(async () => (await mine())?.status === 'delivered', { what: 'redelivered', timeoutMs: 15_000 });
    const delivered = (await mine())!;
    expect(delivered.log[0]).toMatchObject({ statusCode: 200, manual: true, attempt: 5 });
    const after = receiver.of('task.created').filter((r) => (r.json.data.task as { id: string }).id === task.body.id);
    expect(after.map((r) => r.json.id)).toEqual(Array(5).fill(sent[0]!.json.id));
  });

  it('a paused endpoint gets nothing; rotating the secret signs with the new one only', async () => {
    expect((await admin.patch(`/api/webhooks/${endpoint.id}`, { active: false })).body.active).toBe(false);
    const mark = receiver.received.length;
    await operator.post('/api/tasks', { title: 'While paused' });
    const rotated = await admin.post(`/api/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    await admin.patch(`/api/webhooks/${endpoint.id}`, { active: true });
    const task = await operator.post('/api/tasks', { title: 'After rotation' });
    await waitFor(
      async () => receiver.received.some((r) => (r.json.data.task as { id?: string })?.id === task.body.id),
      { what: 'the task after rotation', timeoutMs: 15_000 },
    );
    const fresh = receiver.received.slice(mark);
    expect(fresh.map((r) => (r.json.data.task as { title: string }).title)).toEqual(['After rotation']);
    expect(verify(rotated.body.secret as string, fresh[0]!)).toEqual(fresh[0]!.json);
    expect(() => verify(endpoint.secret, fresh[0]!)).toThrow();
    endpoint.secret = rotated.body.secret as string;
  });

  it('another node that cached who subscribes hears of a pause and a resume from the database', async () => {
    const other = await startTestNode({ webhooks: FAST_WEBHOOKS }, { name: 'webhooks-b' });
    try {
      const onOther = new ApiClient(other.baseUrl);
      await onOther.login(users[1]!.login, TEST_PASSWORD);
      const titled = (title: string) =>
        receiver.received.filter((r) => (r.json.data.task as { title?: string })?.title === title);
      // The other node reads (and caches) the subscribers of task.created with its first task.
      await onOther.post('/api/tasks', { title: 'B, subscribed' });
      await waitFor(async () => titled('B, subscribed').length === 1, { what: 'B’s first task', timeoutMs: 15_000 });
      const aSecondLater = () => new Promise((r) => setTimeout(r, 1000));

      expect((await admin.patch(`/api/webhooks/${endpoint.id}`, { active: false })).status).toBe(200);
      await aSecondLater();
      await onOther.post('/api/tasks', { title: 'B, paused on A' });
      expect((await admin.patch(`/api/webhooks/${endpoint.id}`, { active: true })).status).toBe(200);
      await aSecondLater();
      await onOther.post('/api/tasks', { title: 'B, resumed on A' });
      await waitFor(async () => titled('B, resumed on A').length === 1, {
        what: 'B’s task after the resume',
        timeoutMs: 15_000,
      });
      expect(titled('B, paused on A')).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('admin changes are audited, and the secret is stored sealed', async () => {
    const rows: { action: string }[] = await node.dataSource.query(
      `SELECT action FROM audit_log WHERE entity = 'webhook' AND entity_id = $1 ORDER BY id`,
      [endpoint.id],
    );
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['webhook.create', 'webhook.update', 'webhook.redeliver', 'webhook.rotate-secret']),
    );
    const [stored]: { secret: Buffer }[] = await node.dataSource.query(
      `SELECT secret FROM webhook_endpoints WHERE id = $1`,
      [endpoint.id],
    );
    expect(stored!.secret.toString('latin1')).not.toContain(endpoint.secret.slice(6, 20));
  });
});
