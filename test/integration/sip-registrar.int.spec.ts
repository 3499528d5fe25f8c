/**
 * SIP registrations: the ioredis store against the real Redis from REDIS_URL (test/global-setup.ts), and REGISTER
 * with digest auth end to end through the SIP provider. The SIP side runs against the SCRIPTED DRACHTIO PEER
 * (test/support/drachtio-peer) because no drachtio-server can run here.
 */
import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TelephonyEvent } from '@telephony/model/call-event';
import { digestResponse } from '@telephony/sip/digest-auth';
import { RedisRegistrationStore } from '@telephony/sip/redis-registration-store';
import { SipProvider } from '@telephony/sip/sip-provider';
import { DrachtioPeer } from '@test/support/drachtio-peer/drachtio-peer';
import { loadSipFixture } from '@test/support/drachtio-peer/sip-fixture';
import { getHeader } from '@test/support/drachtio-peer/sip-text';

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

describe('REGISTER through the SIP provider (scripted drachtio peer, no drachtio-server can run here)', () => {
  let peer: DrachtioPeer;
  let provider: SipProvider;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    peer = await DrachtioPeer.start('cymru');
  });
  afterAll(async () => {
    await provider.stop();
    await peer.close();
    const keys = await redis.keys('zvonok-test:sip:*');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('challenges, accepts the digest, stores the contact in Redis and routes the next call there', async () => {
    const store = new RedisRegistrationStore(redis, `zvonok-test:sip:${randomUUID()}:`);
    const events: TelephonyEvent[] = [];
    provider = new SipProvider({
      kind: 'sip',
      host: '127.0.0.1',
      port: peer.port,
      secret: 'cymru',
      route: () => Promise.resolve({ agentExtension: '1001' }),
      registrations: store,
      credentials: (ext) => Promise.resolve(ext === '1001' ? { password: 'zvonok' } : null),
      realm: 'zvonok',
    });
    provider.onEvent((e) => events.push(e));
    await provider.start();
    expect(provider.isUp()).toBe(true);

    const register = (extra: string, cseq: number) =>
      [
        'REGISTER sip:127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK-reg' + cseq,
        'From: <sip:1001@127.0.0.1>;tag=reg1',
        'To: <sip:1001@127.0.0.1>',
        'Call-ID: reg-1001@192.168.1.20',
        `CSeq: ${cseq} REGISTER`,
        'Contact: <sip:1001@192.168.1.20:5062>;expires=120',
        ...(extra ? [extra] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');

    peer.networkRequest(register('', 1));
    const challenge = await peer.waitFor(() => peer.appResponses(401)[0], 3000, '401');
    const www = getHeader(challenge, 'WWW-Authenticate')!;
    const nonce = /nonce="([^"]+)"/.exec(www)![1]!;
    const c = {
      username: '1001',
      realm: 'zvonok',
      nonce,
      uri: 'sip:127.0.0.1',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'ab',
    };
    const response = digestResponse(c, 'zvonok', 'REGISTER');
    peer.networkRequest(
      register(
        `Authorization: Digest username="1001", realm="zvonok", nonce="${nonce}", uri="sip:127.0.0.1", ` +
          `qop=auth, nc=00000001, cnonce="ab", response="${response}", algorithm=MD5`,
        2,
      ),
    );
    const ok = await peer.waitFor(() => peer.appResponses(200)[0], 3000, '200 to REGISTER');
    expect(getHeader(ok, 'Contact')).toBe('<sip:1001@192.168.1.20:5062>;expires=120');
    expect(await store.get('1001')).toMatchObject({ contact: 'sip:1001@192.168.1.20:5062' });

    const uris: string[] = [];
    peer.phone = (uri) => {
      uris.push(uri);
      return { final: 486 };
    };
    peer.trunkInvite(loadSipFixture('missed')[0]!);
    await peer.waitFor(() => events.some((e) => e.type === 'call.ended'), 5000, 'call.ended');
    expect(uris).toEqual(['sip:1001@192.168.1.20:5062']);
  });
});
