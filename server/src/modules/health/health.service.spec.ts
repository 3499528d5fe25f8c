import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

import { type TelephonyProvider } from '@telephony';
import { HealthService } from '@server/modules/health/health.service';

// Stand-ins for the three dependencies (no I/O in unit tests); the real ones are covered by health.int.spec.ts.
const db = (query: () => Promise<unknown>, isInitialized = true) => ({ isInitialized, query }) as unknown as DataSource;
const redis = (status: string) => ({ status, ping: () => Promise.resolve('PONG') }) as unknown as Redis;
const provider = (up: boolean) => ({ source: 'ami', isUp: () => up }) as unknown as TelephonyProvider;

describe('HealthService.readiness', () => {
  it('is ready when every configured part answers, and checks only what is configured', async () => {
    expect(await new HealthService({ dataSource: db(() => Promise.resolve([])) }).readiness()).toEqual({
      ready: true,
      checks: { database: 'ok' },
    });
    const all = new HealthService({
      dataSource: db(() => Promise.resolve([])),
      redis: redis('ready'),
      telephony: provider(true),
    });
    expect(await all.readiness()).toEqual({ ready: true, checks: { database: 'ok', redis: 'ok', telephony: 'ok' } });
  });

  it('names each failed part', async () => {
    const health = new HealthService({
      dataSource: db(() => Promise.reject(new Error('connection refused'))),
      redis: redis('reconnecting'),
      telephony: provider(false),
    });
    expect(await health.readiness()).toEqual({
      ready: false,
      checks: {
        database: 'fail: connection refused',
        redis: 'fail: connection reconnecting',
        telephony: 'fail: ami provider down',
      },
    });
  });

  it('a hung dependency fails within the per-check budget instead of hanging the probe', async () => {
    const health = new HealthService({ dataSource: db(() => new Promise(() => undefined)), timeoutMs: 50 });
    const started = Date.now();
    const result = await health.readiness();
    expect(result).toEqual({ ready: false, checks: { database: 'fail: database did not answer within 50 ms' } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
