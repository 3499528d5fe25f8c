import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { createDatabase, type Database } from '@server/db/data-source';
import { requireDatabaseUrl, startTestNode, type TestApp } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { startRedis, type RedisService } from '@test/support/services/redis';
import { inboundCall, party, randomRuNumber } from '@test/support/synthetic-calls';

const METRICS_TOKEN = 'health-test-metrics-token';

interface Ready {
  status: 'ok' | 'fail';
  checks: Record<string, string>;
}

const metricValue = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`metric ${name} not exported:\n${text.slice(0, 2000)}`);
  return Number(line.split(' ').at(-1));
};

// Real Postgres (global-setup) and a throwaway redis-server of our own, because this suite stops it. The PBX side
// is the AMI surrogate (the project's scripted AMI peer): the shared Asterisk must not be stopped by a test.
describe('health: /healthz, /readyz (database, Redis, telephony), /metrics', () => {
  let database: Database;
  let redisService: RedisService;
  let redis: Redis;
  let ami: AmiSurrogateServer;
  let provider: TelephonyProvider;
  let node: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    await database.dataSource.initialize();
    redisService = await startRedis();
    redis = new Redis(redisService.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    ami = new AmiSurrogateServer();
    ami.channels = [];
    ami.queueMembers = [];
    await ami.listen();
    provider = createTelephonyProvider({
      kind: 'ami',
      host: '127.0.0.1',
      port: ami.port,
      user: 'zvonok',
      secret: 'zvonok-secret',
      backoff: { initialMs: 50, maxMs: 200 },
    });
    // Publishing only: the events it publishes stay unconsumed, which is what the lag gauge must show.
    node = await startTestNode(
      { metricsToken: METRICS_TOKEN },
      { database, redis, provider, consume: false, bus: { prefix: `health-${randomUUID()}` } },
    );
    baseUrl = node.baseUrl;
  });
  afterAll(async () => {
    await node?.close().catch(() => undefined);
    await ami?.close();
    redis?.disconnect();
    await redisService?.stop();
    if (database?.dataSource.isInitialized) await database.close();
  });

  const ready = async (): Promise<{ status: number; body: Ready }> => {
    const res = await fetch(`${baseUrl}/readyz`);
    return { status: res.status, body: (await res.json()) as Ready };
  };
  const metrics = async () =>
    (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

  it('/healthz answers while the process serves HTTP; /readyz is 200 when every part answers', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    await waitFor(async () => (await ready()).status === 200, { what: 'ready', timeoutMs: 5_000 });
    expect((await ready()).body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok', telephony: 'ok' } });
  });

  it('/metrics exports calls in flight, pop latency, telephony reconnects, bus lag and process metrics', async () => {
    const call = inboundCall(party(randomRuNumber(), null));
    for (const event of [call.created(), call.ringing('1001'), call.ended(false)]) await node.node.bus.publish(event);
    const reconnectsBefore = metricValue(await metrics(), 'zvonok_telephony_reconnects_total');

    ami.dropAll();
    await waitFor(async () => metricValue(await metrics(), 'zvonok_telephony_reconnects_total') > reconnectsBefore, {
      what: 'AMI reconnect counted',
      timeoutMs: 10_000,
    });

    const text = await metrics();
    expect(metricValue(text, 'zvonok_bus_lag_messages')).toBe(3);
    expect(metricValue(text, 'zvonok_calls_in_flight')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('zvonok_pop_latency_seconds_bucket');
    expect(text).toContain('zvonok_pipeline_flush_seconds_bucket');
    expect(text).toContain('zvonok_pipeline_batch_rows_bucket');
    expect(metricValue(text, 'zvonok_telephony_up')).toBe(1);
    expect(text).toContain('zvonok_process_resident_memory_bytes');
    expect(text).toContain('zvonok_nodejs_eventloop_lag_seconds');
  });

  it('/readyz turns 503 naming Redis when redis-server stops, and recovers when it is back', async () => {
    await redisService.kill();
    await waitFor(async () => (await ready()).status === 503, { what: 'readyz 503', timeoutMs: 10_000 });
    const { body } = await ready();
    expect(body.status).toBe('fail');
    expect(body.checks.redis).toMatch(/^fail: /);
    expect(body.checks.database).toBe('ok');
    await redisService.restart();
    await waitFor(async () => (await ready()).status === 200, { what: 'readyz back to 200', timeoutMs: 10_000 });
  });

  it('/readyz turns 503 naming the telephony provider when the PBX is gone', async () => {
    await ami.close();
    await waitFor(async () => (await ready()).status === 503, { what: 'readyz 503', timeoutMs: 10_000 });
    expect((await ready()).body.checks.telephony).toMatch(/^fail: ami provider down/);
    expect(metricValue(await metrics(), 'zvonok_telephony_up')).toBe(0);
  });

  it('/readyz turns 503 naming the database when its connection is closed', async () => {
    await database.dataSource.destroy();
    const { status, body } = await ready();
    expect(status).toBe(503);
    expect(body.checks.database).toBe('fail: not connected');
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});
