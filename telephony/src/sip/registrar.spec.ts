import { describe, expect, it } from 'vitest';

import { digestResponse, ha1Of } from '@telephony/sip/digest-auth';
import { Registrar, type RegisterRequest } from '@telephony/sip/registrar';
import { MemoryRegistrationStore } from '@telephony/sip/registration-store';

let now = Date.parse('2026-11-23T10:00:00Z');
const clock = () => now;

function setup() {
  const store = new MemoryRegistrationStore(clock);
  const registrar = new Registrar({
    credentials: (ext) => Promise.resolve(ext === '1001' ? { password: 'secret-1001' } : null),
    store,
    realm: 'zvonok',
    nonceSecret: 'k',
    clock,
  });
  return { store, registrar };
}

function register(headers: Record<string, string>): RegisterRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'REGISTER', uri: 'sip:zvonok', get: (name) => lower[name.toLowerCase()] };
}

function authorize(challenge: string, user: string, password: string, nc = '00000001'): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const c = { username: user, realm: 'zvonok', nonce, uri: 'sip:zvonok', qop: 'auth', nc, cnonce: 'c0ffee' };
  const response = digestResponse(c, password, 'REGISTER');
  return `Digest username="${user}", realm="zvonok", nonce="${nonce}", uri="sip:zvonok", qop=auth, nc=${nc}, cnonce="c0ffee", response="${response}", algorithm=MD5`;
}

const TO = { To: '<sip:1001@zvonok>', From: '<sip:1001@zvonok>;tag=1' };

describe('Registrar', () => {
  it('challenges, then stores the contact with the granted expires', async () => {
    const { store, registrar } = setup();
    const contact = { Contact: '<sip:1001@192.168.1.20:5062;transport=udp>;expires=600' };
    const first = await registrar.handle(register({ ...TO, ...contact }));
    expect(first.status).toBe(401);
    const challenge = first.headers['WWW-Authenticate']!;
    expect(challenge).toMatch(/^Digest realm="zvonok", nonce="[^"]+", qop="auth", algorithm=MD5$/);
    const ok = await registrar.handle(
      register({ ...TO, ...contact, Authorization: authorize(challenge, '1001', 'secret-1001') }),
    );
    expect(ok).toEqual({ status: 200, headers: { Contact: '<sip:1001@192.168.1.20:5062;transport=udp>;expires=600' } });
    expect(await store.get('1001')).toEqual({
      extension: '1001',
      contact: 'sip:1001@192.168.1.20:5062;transport=udp',
      expiresAt: now + 600_000,
    });
  });

  it('refuses a wrong password, an unknown extension and a username that is not the To user', async () => {
    const { store, registrar } = setup();
    const challenge = (await registrar.handle(register(TO))).headers['WWW-Authenticate']!;
    const contact = { Contact: '<sip:1001@10.0.0.1>' };
    expect(
      (await registrar.handle(register({ ...TO, ...contact, Authorization: authorize(challenge, '1001', 'x') })))
        .status,
    ).toBe(403);
    const to1002 = { To: '<sip:1002@zvonok>' };
    expect(
      (await registrar.handle(register({ ...to1002, ...contact, Authorization: authorize(challenge, '1002', 'x') })))
        .status,
    ).toBe(403);
    expect(
      (
        await registrar.handle(
          register({ ...to1002, ...contact, Authorization: authorize(challenge, '1001', 'secret-1001') }),
        )
      ).status,
    ).toBe(403);
    expect(await store.get('1001')).toBeNull();
  });

  it('checks a stored HA1 as it checks a password (the provisioned store keeps no password)', async () => {
    const store = new MemoryRegistrationStore(clock);
    const registrar = new Registrar({
      credentials: (ext) => Promise.resolve(ext === '1001' ? { ha1: ha1Of('1001', 'zvonok', 'secret-1001') } : null),
      store,
      realm: 'zvonok',
      nonceSecret: 'k',
      clock,
    });
    const contact = { Contact: '<sip:1001@10.0.0.1>' };
    const challenge = (await registrar.handle(register(TO))).headers['WWW-Authenticate']!;
    const wrong = register({ ...TO, ...contact, Authorization: authorize(challenge, '1001', 'secret-1002') });
    expect((await registrar.handle(wrong)).status).toBe(403);
    const right = register({ ...TO, ...contact, Authorization: authorize(challenge, '1001', 'secret-1001') });
    expect((await registrar.handle(right)).status).toBe(200);
  });

  it('a stale nonce gets a fresh challenge with stale=true', async () => {
    const { registrar } = setup();
    const challenge = (await registrar.handle(register(TO))).headers['WWW-Authenticate']!;
    now += 301_000;
    const reply = await registrar.handle(
      register({ ...TO, Contact: '<sip:1001@10.0.0.1>', Authorization: authorize(challenge, '1001', 'secret-1001') }),
    );
    expect(reply.status).toBe(401);
    expect(reply.headers['WWW-Authenticate']).toMatch(/stale=true$/);
  });

  it('clamps expires, rejects too brief ones (423), and unregisters with expires 0 or *', async () => {
    const { store, registrar } = setup();
    const auth = async () =>
      authorize((await registrar.handle(register(TO))).headers['WWW-Authenticate']!, '1001', 'secret-1001');
    const long = await registrar.handle(
      register({ ...TO, Contact: '<sip:1001@10.0.0.1>', Expires: '86400', Authorization: await auth() }),
    );
    expect(long.headers.Contact).toBe('<sip:1001@10.0.0.1>;expires=3600');
    const brief = await registrar.handle(
      register({ ...TO, Contact: '<sip:1001@10.0.0.1>;expires=10', Authorization: await auth() }),
    );
    expect(brief).toMatchObject({ status: 423, headers: { 'Min-Expires': '60' } });
    // an old phone unregistering its own contact does not remove a newer binding
    await registrar.handle(register({ ...TO, Contact: '<sip:1001@10.0.0.99>;expires=0', Authorization: await auth() }));
    expect((await store.get('1001'))?.contact).toBe('sip:1001@10.0.0.1');
    await registrar.handle(register({ ...TO, Contact: '<sip:1001@10.0.0.1>;expires=0', Authorization: await auth() }));
    expect(await store.get('1001')).toBeNull();
    await registrar.handle(register({ ...TO, Contact: '<sip:1001@10.0.0.1>', Authorization: await auth() }));
    expect((await registrar.handle(register({ ...TO, Contact: '*', Authorization: await auth() }))).status).toBe(400);
    expect(
      (await registrar.handle(register({ ...TO, Contact: '*', Expires: '0', Authorization: await auth() }))).status,
    ).toBe(200);
    expect(await store.get('1001')).toBeNull();
  });

  it('the memory store forgets a binding once it expires', async () => {
    const { store } = setup();
    await store.put('1001', 'sip:1001@10.0.0.1', 60);
    now += 59_000;
    expect(await store.get('1001')).not.toBeNull();
    now += 1_000;
    expect(await store.get('1001')).toBeNull();
  });
});
