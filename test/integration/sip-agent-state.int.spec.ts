import { Redis } from 'ioredis';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SetAgentStateResponse } from '@contracts/dto/agent';
import { type CallEvent, type TelephonyEvent, type TelephonyProvider } from '@telephony';
import { RedisRegistrationStore } from '@telephony/sip/redis-registration-store';
import { createDatabase, type Database } from '@server/db/data-source';
import { createProvider } from '@server/modules/telephony/create-provider';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  requireDatabaseUrl,
  startTestNode,
  suitePrefix,
  testConfig,
  testLogger,
  type TestApp,
  TEST_PASSWORD,
} from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { DRACHTIO, callSipFront, plugSipPhone, requireSipFront } from '@test/support/sip-live';
import { PHONE_PORTS, type Phone } from '@test/support/sipp';

// The SIP front's queue as the server composes it (TELEPHONY_PROVIDER=sip) follows the operators' stored agent
// states, not only the pauses it was sent: here the CRM node runs without telephony, so the break never reaches
// the adapter (as when the SIP front was down, restarted, or another node's), and the queue must still skip 1001.
describe('SIP front queue: who rings follows the stored agent state (drachtio-server + sipp)', () => {
  let database: Database;
  let ds: DataSource;
  let node: TestApp;
  let redis: Redis;
  let provider: TelephonyProvider;
  const events: CallEvent[] = [];
  const userIds: string[] = [];
  let operator: ApiClient;

  beforeAll(async () => {
    requireSipFront();
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    node = await startTestNode({}, { database, name: 'sip-state' });
    const prefix = suitePrefix('sip-state');
    const op1 = await createUser(ds, `${prefix}-op1`, 'operator', '1001');
    const op2 = await createUser(ds, `${prefix}-op2`, 'operator', '1002');
    userIds.push(op1.id, op2.id);
    operator = new ApiClient(node.baseUrl);
    await operator.login(op1.login, TEST_PASSWORD);

    redis = new Redis(process.env.REDIS_URL!);
    const registrations = new RedisRegistrationStore(redis);
    for (const ext of ['1001', '1002']) await registrations.put(ext, `sip:${ext}@127.0.0.1:${PHONE_PORTS[ext]}`, 600);
    const telephony = {
      ...testConfig().telephony,
      provider: 'sip' as const,
      drachtio: { host: DRACHTIO.host, port: DRACHTIO.adminPort, secret: DRACHTIO.secret },
    };
    provider = createProvider({ config: { telephony }, dataSource: ds, logger: testLogger('sip-state'), redis })!;
    provider.onEvent((e: TelephonyEvent) => {
      if (e.type.startsWith('call.')) events.push(e as CallEvent);
    });
    await provider.start();
    await waitFor(async () => provider.isUp(), { what: 'SIP provider up', timeoutMs: 10_000, intervalMs: 50 });
  });

  afterAll(async () => {
    await provider?.stop();
    await node?.close();
    if (ds?.isInitialized) await deleteUsers(ds, userIds);
    await database?.close();
    await redis?.del('zvonok:sip:reg:1001', 'zvonok:sip:reg:1002');
    await redis?.quit();
  });

  /** One queue call answered by whoever is rung; the agents its phones rang for, in order. */
  async function queueCall(): Promise<{ rang: string[]; answeredBy: string | undefined }> {
    const from = events.length;
    const phones: Phone[] = [];
    try {
      phones.push(await plugSipPhone('1001', 'uas-operator-answer.xml'));
      phones.push(await plugSipPhone('1002', 'uas-operator-answer.xml'));
      const result = await callSipFront('uac-queue-answered-expect-200.xml', { service: '7000', timeoutMs: 30_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
      await waitFor(async () => events.slice(from).some((e) => e.type === 'call.ended'), {
        what: 'call.ended',
        timeoutMs: 15_000,
        intervalMs: 50,
      });
    } finally {
      await Promise.all(phones.map((p) => p.stop()));
    }
    const mine = events.slice(from);
    return {
      rang: mine.filter((e) => e.type === 'call.ringing').map((e) => e.agentId!),
      answeredBy: mine.find((e) => e.type === 'call.answered')?.agentId,
    };
  }

  it('an operator on a break the adapter never heard of is not rung; back to available, they are', async () => {
    const onBreak = await operator.request<SetAgentStateResponse>('PUT', '/api/agents/me/state', {
      state: 'break',
      reason: 'lunch',
    });
    expect(onBreak.status, JSON.stringify(onBreak.body)).toBe(200);
    // Stored only: this node has no telephony, so no pause reached the SIP front.
    expect(onBreak.body.telephony.applied).toBe(false);
    expect(await queueCall()).toEqual({ rang: ['1002'], answeredBy: '1002' });

    const back = await operator.request<SetAgentStateResponse>('PUT', '/api/agents/me/state', { state: 'available' });
    expect(back.status).toBe(200);
    const next = await queueCall();
    expect(next.rang.sort()).toEqual(['1001', '1002']);
  });
});
