import net from 'node:net';
import { type AddressInfo } from 'node:net';

import { createTelephonyProvider } from '@telephony';
import { percentileFigure, type Figure } from '@test/bench/figure';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD } from '@test/support/api-server';
import { resetLiveState } from '@test/support/live-reset';
import { startAsterisk } from '@test/support/services/asterisk';
import { startRedis } from '@test/support/services/redis';
import { waitFor } from '@test/support/services/ports';
import { runSipp } from '@test/support/sipp';
import { connectOperator, startWebNode } from '@test/support/web-node';
import { WebhookReceiver } from '@test/support/webhook-receiver';

/**
 * Issue 18: a slow or failing webhook endpoint never delays call handling. The same load (sipp, 10 calls/s for 3 s
 * into DID 7001 of the real Asterisk, AMI adapter → Redis Stream → pipeline → Socket.IO, as pop-latency) is placed
 * twice on one node: without webhooks (the baseline), and with three endpoints subscribed to every call event that
 * all fail — one answers 500 after 3 s, one accepts the connection and never answers (the 5 s timeout), one refuses
 * it — while their retries (1 s apart) run on the same node. The figure is the pop latency with the failing
 * endpoints beside the one without. Run while holding /tmp/zv-live.lock.
 */
const RATE = 10;
const SECONDS = 3;
const EVENTS = ['call.ended', 'call.missed', 'lead.created', 'recording.ready'];

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runWebhookPopsBench(databaseUrl: string): Promise<Figure[]> {
  const redis = await startRedis();
  const pbx = await startAsterisk();
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, ZVONOK_TEST_LOG: 'silent' });
  await resetLiveState(databaseUrl);
  const provider = createTelephonyProvider(amiConfigFromEnv());
  const emittedAt = new Map<string, number>();
  provider.onEvent((event) => {
    if (event.type === 'call.ringing' && event.agentId === '1001') emittedAt.set(event.callId, now());
  });
  const node = await startWebNode({
    name: 'bench-hooks',
    redis: true,
    provider,
    config: {
      webhooks: {
        allowedNetworks: ['127.0.0.1'],
        timeoutMs: 5_000,
        retryDelaySeconds: 1,
        retryMaxDelaySeconds: 2,
        retryLimit: 10,
        pollSeconds: 0.5,
      },
    },
  });
  await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
  // An earlier suite may have left 1001 paused (wrap-up); the queue must be able to ring it.
  await provider.setAgentPaused('1001', false).catch(() => undefined);
  // Three ways to fail: slow then 500, accepted and silent until the timeout, refused.
  const slow = new WebhookReceiver();
  slow.answer = () => 500;
  slow.delayMs = 3_000;
  await slow.start();
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => void held.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const refused = net.createServer();
  await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
  const refusedPort = (refused.address() as AddressInfo).port;
  await new Promise<void>((resolve) => refused.close(() => resolve()));

  const parked = (
    (await node.dataSource.query(
      `UPDATE users SET active = false WHERE extension = '1001' AND active RETURNING id`,
    )) as [{ id: string }[], number]
  )[0].map((r) => r.id);
  const prefix = suitePrefix('bench-hooks');
  const operator = await createUser(node.dataSource, `${prefix}-1001`, 'operator', '1001');
  const admin = await createUser(node.dataSource, `${prefix}-admin`, 'admin');
  const api = new ApiClient(node.baseUrl);
  await api.login(admin.login, TEST_PASSWORD);
  const { socket } = await connectOperator(node.baseUrl, operator.login);
  const receivedAt = new Map<string, number>();
  socket.on('call:ringing', (payload) => receivedAt.set(payload.call.id, now()));
  const phone = await plugPhone('1001', 'uas-operator-answer.xml');
  const endpoints: string[] = [];
  const figures: Figure[] = [];
  try {
    const phase = async (label: string): Promise<number[]> => {
      emittedAt.clear();
      receivedAt.clear();
      const calls = RATE * SECONDS;
      const result = await runSipp('uac-queue-answered-expect-200.xml', {
        service: '7001',
        calls,
        rate: RATE,
        limit: calls,
        timeoutMs: 90_000,
      });
      await sleep(1500);
      const latencies = [...emittedAt].flatMap(([callId, at]) => {
        const got = receivedAt.get(callId);
        return got === undefined ? [] : [got - at];
      });
      console.log(
        `[bench] webhook-pops ${label}: ${JSON.stringify({ calls, sippOk: result.successful, pops: latencies.length })}`,
      );
      await sleep(5000); // this phase's calls hang up (4 s talk) before the next starts
      return latencies.sort((a, b) => a - b);
    };
    const without = await phase('no webhooks');
    for (const url of [
      slow.url,
      `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
      `http://127.0.0.1:${refusedPort}/`,
    ]) {
      const res = await api.post('/api/webhooks', { url, events: EVENTS });
      if (res.status !== 201) throw new Error(`webhook ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      endpoints.push(res.body.id as string);
    }
    const failing = await phase('3 failing endpoints');
    const [{ attempts }] = (await node.dataSource.query(
      `SELECT count(*)::int AS attempts FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
       WHERE d.endpoint_id = ANY($1)`,
      [endpoints],
    )) as [{ attempts: number }];
    const details = { rate: RATE, seconds: SECONDS, popsWithout: without.length, popsWith: failing.length, attempts };
    for (const p of [50, 95]) {
      figures.push(
        percentileFigure(
          `pop latency p${p} at ${RATE} calls/s with 3 failing webhook endpoints (vs none, same run)`,
          p,
          failing,
          without,
          details,
        ),
      );
    }
  } finally {
    socket.close();
    await phone.stop();
    await node.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = ANY($1)`, [endpoints]);
    await node.dataSource.query(`UPDATE users SET active = true WHERE id = ANY($1)`, [parked]);
    await deleteUsers(node.dataSource, [operator.id, admin.id]);
    await node.close();
    await slow.stop();
    for (const s of held) s.destroy();
    silent.close();
    await pbx.stop();
    await redis.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return figures;
}
