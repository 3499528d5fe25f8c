import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { ApiClient } from '@test/support/api-client';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import {
  createUser,
  deleteUsers,
  startTestNode,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { deleteCallsOf } from '@test/support/delete-calls';
import { waitFor } from '@test/support/services/ports';
import { runSipp, type Phone } from '@test/support/sipp';
import { FAST_WEBHOOKS, WebhookReceiver } from '@test/support/webhook-receiver';

/** The caller of uac-queue-answered-expect-200.xml. */
const CALLER = '+79161234567';

// sipp (carrier) → Asterisk 22 queue 7000 → phone 1001 (sipp) answers → AMI provider → the node composeNode builds →
// the webhooks call reaction → pg-boss → a receiver on loopback (allow-listed). Run under /tmp/zv-live.lock.
describe('webhooks live: call.ended of a real sipp call, signed; a failing receiver gets it exactly once more', () => {
  let node: TestApp;
  let provider: TelephonyProvider;
  let admin: SeededUser;
  let phone: Phone | undefined;
  const receiver = new WebhookReceiver();
  let endpoint: { id: string; secret: string };
  let started: Date;

  beforeAll(async () => {
    await receiver.start();
    provider = createTelephonyProvider(amiConfigFromEnv());
    node = await startTestNode({ webhooks: FAST_WEBHOOKS }, { provider });
    admin = await createUser(node.dataSource, `${suitePrefix('hooks-live')}-admin`, 'admin');
    const client = new ApiClient(node.baseUrl);
    await client.login(admin.login, TEST_PASSWORD);
    const res = await client.post('/api/webhooks', { url: receiver.url, events: ['call.ended', 'call.missed'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    endpoint = res.body;
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
    // An earlier suite may have left 1001 paused (wrap-up); the queue must be able to ring it.
    await provider.setAgentPaused('1001', false).catch(() => undefined);
    started = new Date(Date.now() - 1000);
  });
  afterAll(async () => {
    await phone?.stop();
    await node.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
    await deleteCallsOf(node.dataSource, [CALLER], started);
    await deleteUsers(node.dataSource, [admin.id]);
    await node?.close();
    await receiver.stop();
  });

  it('queue 7000 answered by 1001: call.ended arrives signed; three failures, then one more delivery, no more', async () => {
    // The receiver is down for the first three deliveries, then recovers.
    receiver.answer = (_hook, index) => (index < 3 ? 500 : 200);
    phone = await plugPhone('1001', 'uas-operator-answer.xml');
    const result = await runSipp('uac-queue-answered-expect-200.xml', { service: '7000', timeoutMs: 40_000 });
    expect(result.code, result.stderr).toBe(0);

    await waitFor(async () => receiver.received.some((r) => r.status === 200), {
      what: 'call.ended delivered after three failures',
      timeoutMs: 30_000,
    });
    const [call]: { id: string; disposition: string }[] = await node.dataSource.query(
      `SELECT id, disposition FROM calls WHERE from_e164 = $1 AND started_at >= $2`,
      [CALLER, started],
    );
    expect(call).toMatchObject({ disposition: 'answered' });
    // Whatever else might still come: give the queue a few polls to send a duplicate, if it ever would.
    await new Promise((r) => setTimeout(r, 3_000));
    const hooks = receiver.received;
    expect(hooks.map((h) => h.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(hooks.map((h) => h.headers['webhook-id'])).size).toBe(1);
    for (const hook of hooks) {
      const payload = new Webhook(endpoint.secret).verify(hook.body, {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      });
      expect(payload).toMatchObject({
        type: 'call.ended',
        version: 1,
        data: { callId: call!.id, direction: 'inbound', from: { e164: CALLER }, disposition: 'answered' },
      });
    }
    // An answered call is not missed.
    expect(receiver.of('call.missed')).toEqual([]);
  });
});
