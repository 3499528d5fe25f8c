import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SoftphoneConfigDto } from '@contracts/dto/softphone';
import { type SipSecretRotationDto } from '@contracts/dto/user';
import { RemoteTelephony } from '@server/modules/telephony/remote-telephony.provider';
import { serveTelephonyCommands } from '@server/modules/telephony/telephony-relay.server';
import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, startTestNode, suitePrefix, TEST_PASSWORD } from '@test/support/api-server';
import { PJSIP_AUTH_FILE } from '@test/support/ami-live';
import { startLiveApp, type LiveApp } from '@test/support/live-app';
import { runSipp } from '@test/support/sipp';

// Finding #3 of issue 21: every softphone got the password "zvonok", which also opened the supervisor's 1901-web
// (ChanSpy). Now each user has their own secret, provisioned into the real Asterisk 22 (pjsip auth include written
// by the AMI provider, res_pjsip reloaded) and checked by sipp REGISTERing with digest auth.
// Run under `flock /tmp/zv-live.lock` (one shared PBX).

/** A source port no phone of the reference profile and not the trunk (5090) uses. */
const SIPP_PORT = 5094;

type Outcome = 'accepted' | 'wrong-secret' | 'no-auth-section';
const SCENARIO: Record<Outcome, string> = {
  accepted: 'uac-register-expect-200.xml',
  'wrong-secret': 'uac-register-wrong-secret-expect-401.xml',
  'no-auth-section': 'uac-register-no-auth-expect-500.xml',
};

/** sipp REGISTERs as `endpoint` with `secret`; resolves when Asterisk answered as `expected` (sipp exit 0). */
async function expectRegister(endpoint: string, secret: string, expected: Outcome): Promise<void> {
  const result = await runSipp(SCENARIO[expected], {
    service: endpoint,
    localPort: SIPP_PORT,
    timeoutMs: 15_000,
    extraArgs: ['-au', endpoint, '-ap', secret],
  });
  expect(
    result.code,
    `REGISTER ${endpoint} expected ${expected}: sipp exit ${result.code}\n${result.stdout.slice(-1500)}\n${result.stderr}`,
  ).toBe(0);
}

describe('security: per-user SIP secrets on the real Asterisk (issue 21 #3)', () => {
  let live: LiveApp;
  const userIds: string[] = [];
  let adminClient: ApiClient;
  const users = {} as Record<'a' | 'b' | 'sup', { id: string; client: ApiClient; secret: string }>;

  const softphone = async (client: ApiClient): Promise<SoftphoneConfigDto> => {
    const res = await client.get<SoftphoneConfigDto>('/api/softphone/config');
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    live = await startLiveApp({ pjsipAuthFile: PJSIP_AUTH_FILE });
    const prefix = suitePrefix('sip');
    const adminUser = await createUser(live.dataSource, `${prefix}-admin`, 'admin');
    userIds.push(adminUser.id);
    adminClient = new ApiClient(live.baseUrl);
    await adminClient.login(adminUser.login, TEST_PASSWORD);
    // Created through the API, as an admin would: each new extension is provisioned on the PBX at once.
    const plan = { a: ['operator', '1001'], b: ['operator', '1002'], sup: ['supervisor', '1901'] } as const;
    for (const [key, [role, extension]] of Object.entries(plan) as [keyof typeof plan, (typeof plan)['a']][]) {
      const login = `${prefix}-${key}`;
      const created = await adminClient.post('/api/users', {
        login,
        password: TEST_PASSWORD,
        name: `${role} ${key}`,
        role,
        extension,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      userIds.push(created.body.id as string);
      const client = new ApiClient(live.baseUrl);
      await client.login(login, TEST_PASSWORD);
      users[key] = { id: created.body.id as string, client, secret: (await softphone(client)).password };
    }
  });

  afterAll(async () => {
    if (!live) return;
    await live.dataSource.query(
      `DELETE FROM audit_log WHERE entity_id = ANY($1::text[]) OR actor_id = ANY($1::uuid[])`,
      [userIds],
    );
    await deleteUsers(live.dataSource, userIds);
    // The PBX forgets this suite's secrets (their users are gone).
    await live.provider.syncCredentials?.();
    // Deactivating 1001's user paused 1001 in every queue (reactivation leaves the choice to the operator): the
    // suites after this one need the queues to ring it.
    for (const ext of ['1001', '1001-web']) await live.provider.setAgentPaused(ext, false).catch(() => undefined);
    await live.close();
  });

  it("each user's softphone config carries their own secret, and no other response or stored row holds it", async () => {
    const { a, b, sup } = users;
    expect(new Set([a.secret, b.secret, sup.secret, 'zvonok']).size).toBe(4);
    expect(await softphone(a.client)).toMatchObject({ authUser: '1001-web', password: a.secret });
    expect(await softphone(a.client)).toMatchObject({ password: a.secret });

    const seen = [
      await adminClient.get('/api/users'),
      await adminClient.get(`/api/users/${a.id}`),
      await sup.client.get('/api/agents'),
      await adminClient.post<SipSecretRotationDto>(`/api/users/${b.id}/sip-secret/rotate`),
    ];
    users.b.secret = (await softphone(b.client)).password;
    const audit: { details: unknown }[] = await live.dataSource.query(
      `SELECT details FROM audit_log WHERE entity_id = ANY($1::text[]) OR actor_id = ANY($1::uuid[])`,
      [userIds],
    );
    const stored: { secret: Buffer }[] = await live.dataSource.query(
      `SELECT secret FROM sip_secrets WHERE user_id = ANY($1)`,
      [userIds],
    );
    const everything = JSON.stringify([seen.map((r) => r.body), audit]);
    for (const secret of [a.secret, b.secret, sup.secret]) {
      expect(everything).not.toContain(secret);
      for (const row of stored) expect(row.secret.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it("operator B's secret does not register operator A's softphone (1001-web); A's own secret does", async () => {
    await expectRegister('1001-web', users.b.secret, 'wrong-secret');
    await expectRegister('1001-web', users.a.secret, 'accepted');
    // The desk phone endpoint has the user's secret too.
    await expectRegister('1001', users.b.secret, 'wrong-secret');
    await expectRegister('1001', users.a.secret, 'accepted');
  });

  it('the supervisor endpoint (1901-web, ChanSpy) refuses "zvonok" and the operators\' secrets; its own opens it', async () => {
    await expectRegister('1901-web', 'zvonok', 'wrong-secret');
    await expectRegister('1901-web', users.a.secret, 'wrong-secret');
    await expectRegister('1901-web', users.sup.secret, 'accepted');
  });

  it('rotation by an admin (audited) retires the old secret on the PBX at once; the softphone gets the new one', async () => {
    const old = users.a.secret;
    const res = await adminClient.post<SipSecretRotationDto>(`/api/users/${users.a.id}/sip-secret/rotate`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rotatedAt: expect.any(String), pbx: { applied: true, note: null } });
    const fresh = (await softphone(users.a.client)).password;
    expect(fresh).not.toBe(old);
    await expectRegister('1001-web', old, 'wrong-secret');
    await expectRegister('1001-web', fresh, 'accepted');
    users.a.secret = fresh;
    const audit: { actor_id: string; details: Record<string, unknown> }[] = await live.dataSource.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'user.sip-secret.rotate' AND entity_id = $1`,
      [users.a.id],
    );
    expect(audit).toEqual([{ actor_id: userIds[0], details: { reason: 'admin', pbxApplied: true } }]);

    const byOperator = await users.b.client.post(`/api/users/${users.a.id}/sip-secret/rotate`);
    expect(byOperator.status).toBe(403);
  });

  it("deactivation removes the user's endpoints from the PBX; reactivation brings them back with a new secret", async () => {
    const before = users.a.secret;
    const off = await adminClient.patch(`/api/users/${users.a.id}`, { active: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await expectRegister('1001-web', before, 'no-auth-section');
    await expectRegister('1001', before, 'no-auth-section');

    const on = await adminClient.patch(`/api/users/${users.a.id}`, { active: true });
    expect(on.status).toBe(200);
    await expectRegister('1001-web', before, 'wrong-secret');
    const client = new ApiClient(live.baseUrl);
    const login = (await adminClient.get(`/api/users/${users.a.id}`)).body.login as string;
    await client.login(login, TEST_PASSWORD);
    const fresh = (await softphone(client)).password;
    expect(fresh).not.toBe(before);
    await expectRegister('1001-web', fresh, 'accepted');
  });

  it('an admin on a web node without the adapter (TELEPHONY_PROVIDER=remote) rotates through the relay', async () => {
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const logger = pino({ level: 'silent' });
    const relay = serveTelephonyCommands({ provider: live.provider, redis, logger });
    const remote = new RemoteTelephony({ redis, statusPollMs: 100 });
    // The web node without the adapter, as composeNode builds it for TELEPHONY_PROVIDER=remote (it starts it).
    const there = await startTestNode({}, { provider: remote, consume: false });
    try {
      const adminThere = new ApiClient(there.baseUrl);
      const [{ login }] = await live.dataSource.query(`SELECT login FROM users WHERE id = $1`, [userIds[0]]);
      await adminThere.login(login as string, TEST_PASSWORD);
      const old = users.sup.secret;
      const res = await adminThere.post<SipSecretRotationDto>(`/api/users/${users.sup.id}/sip-secret/rotate`);
      expect(res.body.pbx).toEqual({ applied: true, note: null });
      await expectRegister('1901-web', old, 'wrong-secret');
      users.sup.secret = (await softphone(users.sup.client)).password;
      await expectRegister('1901-web', users.sup.secret, 'accepted');
    } finally {
      await there.close();
      await relay.stop();
      await redis.quit();
    }
  });
});
