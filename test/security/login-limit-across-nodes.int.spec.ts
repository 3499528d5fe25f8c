import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';

// Issue #21, finding 13: the login limiter counted in each node's memory, so behind a load balancer N nodes allowed
// N times the attempts. With REDIS_URL the count lives in Redis (rate-limit-redis): two app instances, one Redis.
describe('#21.13 the login throttle holds across web nodes sharing Redis', () => {
  const redis: Redis[] = [];
  let a: SecurityApp;
  let b: SecurityApp;
  let user: SeededUser;

  beforeAll(async () => {
    const node = async () => {
      const client = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
      redis.push(client);
      return startSecurityApp({ loginRateLimit: { max: 3, windowMs: 60_000 } }, { redis: client });
    };
    a = await node();
    b = await node();
    user = await createUser(a.dataSource, suitePrefix('rl-nodes'), 'operator');
  });
  afterAll(async () => {
    await deleteUsers(a.dataSource, [user.id]);
    await a?.close();
    await b?.close();
    for (const client of redis) client.disconnect();
  });

  it('3 failures spread over two nodes lock the login on both; the right password then gets 429 too', async () => {
    const attempt = (app: SecurityApp, password = 'wrong') =>
      new ApiClient(app.baseUrl).post('/api/auth/login', { login: user.login, password }).then((r) => r.status);
    expect([await attempt(a), await attempt(b), await attempt(a)]).toEqual([401, 401, 401]);
    expect(await attempt(b)).toBe(429);
    expect(await attempt(a)).toBe(429);
    expect(await attempt(b, TEST_PASSWORD)).toBe(429);
  });
});
