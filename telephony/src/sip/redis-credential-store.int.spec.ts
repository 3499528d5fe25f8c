import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SipCredential } from '@telephony/provider';
import { digestResponse } from '@telephony/sip/digest-auth';
import { RedisCredentialStore } from '@telephony/sip/redis-credential-store';
import { Registrar, type RegisterRequest } from '@telephony/sip/registrar';
import { MemoryRegistrationStore } from '@telephony/sip/registration-store';
import { SipProvider } from '@telephony/sip/sip-provider';

// The SIP front's side of per-user secrets (issue 21 #3) against the real Redis: SipProvider.syncCredentials writes
// the server's set into the store the registrar reads; Redis holds HA1s only, and a user left out cannot register.
describe('RedisCredentialStore (real Redis) and the registrar reading it', () => {
  let redis: Redis;
  const key = `zvonok-test:sip:credentials:${randomUUID()}`;

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.del(key);
    await redis.quit();
  });

  const register = (user: string, authorization?: string): RegisterRequest => {
    const headers: Record<string, string> = {
      to: `<sip:${user}@zvonok>`,
      contact: `<sip:${user}@10.0.0.9:5062>`,
      ...(authorization ? { authorization } : {}),
    };
    return { method: 'REGISTER', uri: 'sip:zvonok', get: (name) => headers[name.toLowerCase()] };
  };
  const digest = (challenge: string, user: string, password: string) => {
    const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
    const c = { username: user, realm: 'zvonok', nonce, uri: 'sip:zvonok', qop: 'auth', nc: '00000001', cnonce: 'c' };
    return `Digest username="${user}", realm="zvonok", nonce="${nonce}", uri="sip:zvonok", qop=auth, nc=00000001, cnonce="c", response="${digestResponse(c, password, 'REGISTER')}"`;
  };

  it('syncCredentials replaces the whole set; the registrar accepts only the current secrets', async () => {
    const store = new RedisCredentialStore(redis, key);
    let set: SipCredential[] = [
      { username: '1001', password: 'secret-of-operator-one' },
      { username: '1002', password: 'secret-of-operator-two' },
    ];
    const provider = new SipProvider({
      kind: 'sip',
      host: '127.0.0.1',
      port: 1,
      secret: 'unused',
      route: () => Promise.resolve(null),
      registrations: new MemoryRegistrationStore(),
      provisioning: { credentials: () => Promise.resolve(set), store },
    });
    await provider.syncCredentials();
    const stored = await redis.hgetall(key);
    expect(Object.keys(stored).sort()).toEqual(['1001', '1002']);
    expect(JSON.stringify(stored)).not.toContain('secret-of');

    const registrar = new Registrar({
      credentials: store.lookup,
      store: new MemoryRegistrationStore(),
      nonceSecret: 'n',
    });
    const challenge = (await registrar.handle(register('1001'))).headers['WWW-Authenticate']!;
    expect((await registrar.handle(register('1001', digest(challenge, '1001', 'secret-of-operator-two')))).status).toBe(
      403,
    );
    expect((await registrar.handle(register('1001', digest(challenge, '1001', 'secret-of-operator-one')))).status).toBe(
      200,
    );

    set = [{ username: '1002', password: 'secret-of-operator-two' }];
    await provider.syncCredentials();
    expect(Object.keys(await redis.hgetall(key))).toEqual(['1002']);
    expect((await registrar.handle(register('1001', digest(challenge, '1001', 'secret-of-operator-one')))).status).toBe(
      403,
    );
  });
});
