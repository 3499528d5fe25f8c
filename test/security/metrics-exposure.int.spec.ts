import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '@test/support/services/ports';
import { servesOrExits, spawnServer, type ServerProcess } from '@test/support/server-process';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';

// Issue #21, finding 13: `/metrics` was open to anyone who reached the app port. Now it needs METRICS_TOKEN there,
// or is served on a port of its own (METRICS_PORT, loopback by default) for a scraper on the same host or pod.
const TOKEN = 'metrics-token-of-the-scraper';

describe('#21.13 /metrics is not open on the app port', () => {
  let plain: SecurityApp;
  let withToken: SecurityApp;

  beforeAll(async () => {
    plain = await startSecurityApp();
    withToken = await startSecurityApp({ metricsToken: TOKEN });
  });
  afterAll(async () => {
    await plain?.close();
    await withToken?.close();
  });

  it('without METRICS_TOKEN the app port has no /metrics (404)', async () => {
    const res = await fetch(`${plain.baseUrl}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('with METRICS_TOKEN it answers only the bearer of that token', async () => {
    const get = (authorization?: string) =>
      fetch(`${withToken.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, TOKEN, `Basic ${TOKEN}`]) {
      const res = await get(authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
    const res = await get(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('zvonok_process_resident_memory_bytes');
  });
});

describe('#21.13 METRICS_PORT serves /metrics on loopback, apart from the app (real server process)', () => {
  let server: ServerProcess;
  let metricsPort: number;
  let dataDir: string;

  beforeAll(async () => {
    metricsPort = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'zvonok-metrics-'));
    server = await spawnServer({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      REDIS_URL: undefined,
      TELEPHONY_PROVIDER: 'none',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      METRICS_PORT: String(metricsPort),
    });
    expect(await servesOrExits(server)).toEqual({ serving: true });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the metrics port answers /metrics and nothing else; the app port has no /metrics', async () => {
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('zvonok_nodejs_eventloop_lag_seconds');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/auth/me`)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
  });
});
