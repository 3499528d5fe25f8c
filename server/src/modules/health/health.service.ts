import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';

export type CheckResult = 'ok' | `fail: ${string}`;

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface HealthDeps {
  dataSource: DataSource;
  /** Checked only when configured (REDIS_URL). */
  redis?: Redis | null;
  /** Checked only when telephony is on. */
  telephony?: TelephonyProvider | null;
  /** Per-check budget; a hung dependency must not hang the probe. */
  timeoutMs?: number;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/** Readiness = every configured dependency answers now: database, Redis, telephony provider. */
export class HealthService {
  constructor(private readonly deps: HealthDeps) {}

  async readiness(): Promise<Readiness> {
    const timeoutMs = this.deps.timeoutMs ?? 2_000;
    const checks: Record<string, () => Promise<void>> = {
      database: async () => {
        if (!this.deps.dataSource.isInitialized) throw new Error('not connected');
        await this.deps.dataSource.query('SELECT 1');
      },
    };
    const { redis, telephony } = this.deps;
    if (redis) {
      checks.redis = async () => {
        // With maxRetriesPerRequest null a command would wait for the reconnect forever: ask the state first.
        if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
        await redis.ping();
      };
    }
    if (telephony) {
      checks.telephony = async () => {
        if (!telephony.isUp()) throw new Error(`${telephony.source} provider down`);
      };
    }
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
        try {
          await withTimeout(check(), timeoutMs, name);
          return [name, 'ok'];
        } catch (err) {
          return [name, `fail: ${err instanceof Error ? err.message : String(err)}`];
        }
      }),
    );
    const result = Object.fromEntries(entries);
    return { ready: entries.every(([, r]) => r === 'ok'), checks: result };
  }
}
