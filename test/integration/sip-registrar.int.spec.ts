/**
 * SIP registrations: the ioredis store against the real Redis from REDIS_URL (test/global-setup.ts), and REGISTER
 * with digest auth end to end: sipp (a desk phone) → the real drachtio-server → the SIP provider's registrar.
 */
import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { RedisRegistrationStore } from '@telephony/sip/redis-registration-store';
import { LiveSip, callSipFront, plugSipPhone, requireSipFront } from '@test/support/sip-live';
import { PHONE_PORTS, type Phone } from '@test/support/sipp';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is not set: run through the integration project (test/global-setup.ts)');

describe('RedisRegistrationStore against real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisRegistrationStore;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    const keys = await redis.keys('zvonok-test:sip:*');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  const fresh = () => {
    prefix = `zvonok-test:sip:${randomUUID()}:`;
    store = new RedisRegistrationStore(redis, prefix);
  };

  it('stores the binding with key TTL = granted expires', async () => {
    fresh();
    await store.put('1001', 'sip:1001@10.0.0.7:5062', 600);
    expect(await store.get('1001')).toMatchObject({ extension: '1001', contact: 'sip:1001@10.0.0.7:5062' });
    const ttl = await redis.ttl(`${prefix}1001`);
    expect(ttl).toBeGreaterThan(595);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await store.get('1002')).toBeNull();
  });

  it('Redis itself forgets a binding that is not refreshed', async () => {
    fresh();
    await store.put('1001', 'sip:1001@10.0.0.7', 1);
    expect(await store.get('1001')).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1300));
    expect(await store.get('1001')).toBeNull();
    expect(await redis.exists(`${prefix}1001`)).toBe(0);
  });

  it('removes only the matching contact (atomic compare-and-delete), or any with no contact given', async () => {
    fresh();
    await store.put('1001', 'sip:1001@new-phone', 600);
    await store.remove('1001', 'sip:1001@old-phone');
    expect((await store.get('1001'))?.contact).toBe('sip:1001@new-phone');
    await store.remove('1001', 'sip:1001@new-phone');
    expect(await store.get('1001')).toBeNull();
    await store.put('1001', 'sip:1001@x', 600);
    await store.remove('1001');
    expect(await store.get('1001')).toBeNull();
  });

  it('ignores a value it did not write', async () => {
    fresh();
    await redis.set(`${prefix}1001`, 'not json', 'EX', 60);
    expect(await store.get('1001')).toBeNull();
  });
});

describe('REGISTER through the SIP front on the real drachtio-server (sipp as the desk phone)', () => {
  let redis: Redis;
  let live: LiveSip | undefined;
  let phone: Phone | undefined;

  beforeAll(() => {
    requireSipFront();
    redis = new Redis(redisUrl);
  });
  afterEach(async () => {
    await phone?.stop();
    phone = undefined;
    await live?.stop();
    live = undefined;
  });
  afterAll(async () => {
    const keys = await redis.keys('zvonok-test:sip:*');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  async function registrar(store: RedisRegistrationStore): Promise<LiveSip> {
    live = await new LiveSip({
      route: () => Promise.resolve({ agentExtension: '1001' }),
      registrations: store,
      credentials: (ext) => Promise.resolve(ext === '1001' ? { password: 'zvonok' } : null),
      realm: 'zvonok',
    }).start();
    return live;
  }
  const register = (password: string) =>
    callSipFront('uac-register-stay-expect-200.xml', {
      service: '1001',
      localPort: PHONE_PORTS['1001'],
      timeoutMs: 10_000,
      extraArgs: ['-au', '1001', '-ap', password],
    });

  it('challenges, accepts the digest, stores the contact in Redis with its TTL, and routes the next call there', async () => {
    const prefix = `zvonok-test:sip:${randomUUID()}:`;
    const store = new RedisRegistrationStore(redis, prefix);
    const sip = await registrar(store);
    const result = await register('zvonok');
    expect(result, result.stdout + result.stderr).toMatchObject({ code: 0, timedOut: false });
    expect(await store.get('1001')).toMatchObject({ contact: 'sip:1001@127.0.0.1:5071' });
    const ttl = await redis.ttl(`${prefix}1001`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);

    // the phone on that contact gets the next call (no static contact configured anywhere else)
    phone = await plugSipPhone('1001', 'uas-operator-busy.xml');
    const call = await callSipFront('../fixtures/sip/scenarios/uac-missed-expect-486.xml', { service: '7000' });
    expect(call, call.stderr).toMatchObject({ code: 0 });
    const events = await sip.endedCall();
    expect(events.find((e) => e.type === 'call.ringing')).toMatchObject({ agentId: '1001' });
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', cause: 'busy' });
  });

  it('a wrong password is refused (403) and nothing is stored', async () => {
    const store = new RedisRegistrationStore(redis, `zvonok-test:sip:${randomUUID()}:`);
    await registrar(store);
    const result = await register('not-the-password');
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/403/);
    expect(await store.get('1001')).toBeNull();
  });
});
