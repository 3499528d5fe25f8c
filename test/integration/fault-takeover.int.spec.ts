import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider } from '@telephony';
import { partitionOf } from '@server/common/bus/call-event-bus';
import { amiConfigFromEnv, expectRecordingWithAudio } from '@test/support/ami-live';
import { createUser, deleteUsers, suitePrefix, TEST_SIP_SECRETS_KEY, type SeededUser } from '@test/support/api-server';
import { deleteCallsOf } from '@test/support/delete-calls';
import { endedCallRow } from '@test/support/ended-call';
import { resetLiveState } from '@test/support/live-reset';
import { spawnServer, waitUntilServing, type ServerProcess } from '@test/support/server-process';
import { waitFor } from '@test/support/services/ports';
import { runSipp, startOperatorPhone, type Phone } from '@test/support/sipp';
import { randomRuNumber } from '@test/support/synthetic-calls';
import { connectOperator, startWebNode, type Received, type WebNode } from '@test/support/web-node';

/**
 * Fault suite: the web node that owns a call is killed (SIGKILL) while the call rings, and another node takes the
 * call over. Real Asterisk 22 driven by sipp, real Postgres and Redis; the two deciding nodes are real server
 * processes (main.ts), the adapter runs in this process and only publishes, and the operator's browser stand-in
 * (a socket.io client) stays connected to it throughout. Afterwards: the operator got the card exactly once and was
 * told of the answer, one lead for the new number, and the call's record is complete with its recording.
 */
describe('fault suite: the node owning a ringing call is killed; another takes the call over (real peers)', () => {
  let adapter: WebNode;
  let redis: Redis;
  const servers = new Map<string, ServerProcess>();
  let operator: SeededUser;
  let screen: Received[];
  let phone: Phone | undefined;
  let closeSocket: () => void = () => undefined;
  const caller = randomRuNumber();
  const prefix = suitePrefix('takeover');

  beforeAll(async () => {
    await resetLiveState();
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const provider = createTelephonyProvider(amiConfigFromEnv());
    adapter = await startWebNode({ name: 'adapter', redis: true, provider, consume: false });
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 15_000 });
    // 1001 belongs to this suite's operator for the duration.
    await adapter.dataSource.query(`UPDATE users SET extension = NULL WHERE extension = '1001'`);
    operator = await createUser(adapter.dataSource, `${prefix}-op`, 'operator', '1001');
    for (const name of [`${prefix}-a`, `${prefix}-b`]) {
      const server = await spawnServer({
        NODE_ENV: 'test',
        NODE_ID: name,
        DATA_DIR: mkdtempSync(join(process.env.ZVONOK_RUN_DIR ?? tmpdir(), `${name}-`)),
        TELEPHONY_PROVIDER: 'none',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        SIP_SECRETS_KEY: TEST_SIP_SECRETS_KEY.toString('base64'),
      });
      servers.set(name, server);
      await waitUntilServing(server);
    }
    const op = await connectOperator(adapter.baseUrl, operator.login);
    closeSocket = () => op.socket.close();
    screen = op.received;
    // Both deciding nodes hold partitions before the call starts.
    await waitFor(
      async () => {
        const owners = new Set(await redis.mget(...Array.from({ length: 16 }, (_, p) => `zvonok:pipeline:lease:${p}`)));
        return owners.has(`${prefix}-a`) && owners.has(`${prefix}-b`);
      },
      { what: 'partitions spread over both server processes', timeoutMs: 20_000 },
    );
  }, 180_000);

  afterAll(async () => {
    closeSocket();
    await phone?.stop();
    for (const server of servers.values()) await server.stop();
    await deleteCallsOf(adapter.dataSource, [caller]);
    await deleteUsers(adapter.dataSource, [operator.id]);
    await adapter.close();
    await redis.quit();
    await resetLiveState();
  }, 60_000);

  it('kill the owner between ring and answer: one card, the answer told, one lead, a complete record', async () => {
    phone = await startOperatorPhone('1001', 'uas-operator-answer-late.xml'); // rings 8 s, then answers
    const sipp = runSipp('uac-queue-talk-caller-expect-200.xml', {
      service: '7000',
      timeoutMs: 40_000,
      extraArgs: ['-key', 'caller', caller, '-d', '3000'],
    });
    let callId = '';
    await waitFor(
      async () => {
        const pop = screen.find((r) => r.event === 'call:ringing' && r.payload.call.from.e164 === caller);
        callId = pop?.payload.call.id ?? '';
        return Boolean(callId);
      },
      { what: 'the card while 1001 rings', timeoutMs: 15_000, intervalMs: 20 },
    );
    // The owner has stored the pop (its batch committed) and now dies before the answer. A node dying in the few
    // milliseconds between a pop's emit and its commit would pop the card again after the takeover: the same card
    // for the same call, which the client folds into the one it shows (server/README.md, the call pipeline).
    await waitFor(
      async () =>
        (
          (await adapter.dataSource.query('SELECT 1 FROM call_pops WHERE call_id = $1 AND user_id = $2', [
            callId,
            operator.id,
          ])) as unknown[]
        ).length === 1,
      { what: 'the pop stored', timeoutMs: 5_000, intervalMs: 5 },
    );
    const owner = await redis.get(`zvonok:pipeline:lease:${partitionOf(callId, 16)}`);
    expect([...servers.keys()]).toContain(owner);
    const killed = servers.get(owner!)!;
    process.kill(-killed.pgid, 'SIGKILL');
    await killed.exited;
    servers.delete(owner!);

    const result = await sipp;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    const ofCall = (event: string) => screen.filter((r) => r.event === event && r.payload.call?.id === callId);
    await waitFor(async () => ofCall('call:ended').length > 0, { what: 'call:ended', timeoutMs: 20_000 });
    expect(ofCall('call:ringing')).toHaveLength(1);
    expect(ofCall('call:answered').map((r) => r.payload.agentExtension)).toEqual(['1001']);
    expect(ofCall('call:ended')[0]!.payload).toMatchObject({ disposition: 'answered' });

    const row = await endedCallRow(
      adapter.dataSource,
      callId,
      'status, disposition, agent_extension, operator_id, talk_seconds',
    );
    expect(row).toMatchObject({ status: 'ended', disposition: 'answered', agent_extension: '1001' });
    expect(row.operator_id).toBe(operator.id);
    expect(row.talk_seconds).toBeGreaterThanOrEqual(2);
    const [{ n }] = await adapter.dataSource.query('SELECT count(*)::int AS n FROM leads WHERE phone_e164 = $1', [
      caller,
    ]);
    expect(n).toBe(1);
    const [{ events, seqs }] = await adapter.dataSource.query(
      'SELECT count(*)::int AS events, count(DISTINCT seq)::int AS seqs FROM call_events WHERE call_id = $1',
      [callId],
    );
    expect(events).toBe(seqs);
    const [ready] = await adapter.dataSource.query(
      `SELECT payload FROM call_events WHERE call_id = $1 AND type = 'recording.ready' LIMIT 1`,
      [callId],
    );
    expect(ready, 'the recording event was stored').toBeDefined();
    await expectRecordingWithAudio(ready.payload.file);
    // The surviving node ingested it: the recording is the call's, as if nothing had happened.
    await waitFor(
      async () =>
        ((await adapter.dataSource.query('SELECT 1 FROM recordings WHERE call_id = $1', [callId])) as unknown[])
          .length === 1,
      { what: 'the recording ingested', timeoutMs: 30_000 },
    );
    // The operator's state followed the call across the takeover: once it ended, they are on no call (the survivor
    // read who was on it from the table, as the dead node had left it).
    await waitFor(
      async () => {
        const [state] = (await adapter.dataSource.query(
          'SELECT activity, activity_call_id FROM agent_states WHERE user_id = $1',
          [operator.id],
        )) as { activity: string | null; activity_call_id: string | null }[];
        return state?.activity === null && state.activity_call_id === null;
      },
      { what: "the operator's state off the call", timeoutMs: 10_000 },
    );
  }, 90_000);
});
