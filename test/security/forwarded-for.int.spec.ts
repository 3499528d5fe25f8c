import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';

// Issue #21, finding 7: `trust proxy 'loopback'` let any local client choose its IP with X-Forwarded-For — a new
// address per attempt escaped the login throttle, and the audit log stored whatever the client wrote.
const forged = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });

async function loginAttempt(baseUrl: string, login: string, password: string, headers: Record<string, string>) {
  return new ApiClient(baseUrl).post('/api/auth/login', { login, password }, { headers });
}

describe('#21.7 X-Forwarded-For is ignored unless TRUST_PROXY says how many proxies are in front', () => {
  let direct: SecurityApp;
  let proxied: SecurityApp;
  const users: SeededUser[] = [];
  const user = async (app: SecurityApp, name: string) => {
    const u = await createUser(app.dataSource, `${suitePrefix('xff')}-${name}`, 'operator');
    users.push(u);
    return u;
  };
  const loginAudit = async (app: SecurityApp, userId: string) =>
    (
      await app.dataSource.query(
        `SELECT details->>'ip' AS ip FROM audit_log WHERE action = 'auth.login' AND actor_id = $1 ORDER BY id DESC`,
        [userId],
      )
    ).map((r: { ip: string }) => r.ip);

  beforeAll(async () => {
    direct = await startSecurityApp({ loginRateLimit: { max: 3, windowMs: 60_000 } });
    proxied = await startSecurityApp({ loginRateLimit: { max: 3, windowMs: 60_000 }, trustProxy: 1 });
  });
  afterAll(async () => {
    await deleteUsers(
      direct.dataSource,
      users.map((u) => u.id),
    );
    await direct?.close();
    await proxied?.close();
  });

  it('a new forged address per attempt does not escape the login throttle (default: no proxy trusted)', async () => {
    const victim = await user(direct, 'victim');
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++)
      statuses.push((await loginAttempt(direct.baseUrl, victim.login, 'wrong', forged(i))).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Locked for this client even with the right password and yet another forged address.
    expect((await loginAttempt(direct.baseUrl, victim.login, TEST_PASSWORD, forged(99))).status).toBe(429);
  });

  it('the session and the audit log record the connecting address, not the forged one', async () => {
    const u = await user(direct, 'audited');
    expect((await loginAttempt(direct.baseUrl, u.login, TEST_PASSWORD, forged(7))).status).toBe(200);
    expect(await loginAudit(direct, u.id)).toEqual(['127.0.0.1']);
    const [{ ip }] = await direct.dataSource.query(`SELECT ip FROM sessions WHERE user_id = $1`, [u.id]);
    expect(ip).toBe('127.0.0.1');
  });

  it('with TRUST_PROXY=1 the address the one proxy appended is the client; what the client wrote before is not', async () => {
    const u = await user(proxied, 'behind-proxy');
    // The client forged 198.51.100.7; the proxy (here: this test, on loopback) appended the real peer 203.0.113.9.
    const headers = { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' };
    expect((await loginAttempt(proxied.baseUrl, u.login, TEST_PASSWORD, headers)).status).toBe(200);
    expect(await loginAudit(proxied, u.id)).toEqual(['203.0.113.9']);
  });
});
