import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
import { inboundCallEvents, recordCallEvents } from '@test/support/call-events';
import { waitFor } from '@test/support/services/ports';
import { makeServiceDir, removeServiceDir } from '@test/support/services/service-process';
import { DRACHTIO, LiveSip, callSipFront, liveMedia, plugSipPhone, requireSipFront } from '@test/support/sip-live';
import { PHONE_PORTS, startUas, type Phone } from '@test/support/sipp';

// Supervision through the SIP front (connected to the real drachtio-server): whisper and barge need a mixer, which
// rtpengine is not, so they are refused with a clear 501 NOT_SUPPORTED_ON_SIP and audited as failed.
describe('supervision on the SIP front', () => {
  let database: Database;
  let ds: DataSource;
  let sip: LiveSip;
  let node: TestApp;
  let supervisor: ApiClient;
  let supervisorId: string;
  let callId: string;

  beforeAll(async () => {
    requireSipFront();
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    sip = await new LiveSip({ route: () => Promise.resolve(null) }).start();
    node = await startTestNode({}, { database, provider: sip.provider, name: 'sip-spy' });
    const user = await createUser(ds, `${suitePrefix('sip-spy')}-sup`, 'supervisor', '1901');
    supervisorId = user.id;
    supervisor = new ApiClient(node.baseUrl);
    await supervisor.login(user.login, TEST_PASSWORD);
    // A live call: everything up to the answer, no end.
    const events = inboundCallEvents({
      fromRaw: '+79160000017',
      fromE164: '+79160000017',
      startedAt: new Date().toISOString(),
      answeredBy: '1001',
    }).filter((e) => e.type !== 'call.ended');
    await recordCallEvents(ds, events);
    callId = events[0]!.callId;
  });

  afterAll(async () => {
    await node?.close();
    if (ds?.isInitialized) {
      await ds.query('DELETE FROM call_events WHERE call_id = $1', [callId]);
      await ds.query('DELETE FROM calls WHERE id = $1', [callId]);
      await deleteUsers(ds, [supervisorId]);
    }
    await database?.close();
  });

  it.each(['whisper', 'barge'] as const)('%s → 501 NOT_SUPPORTED_ON_SIP, audited as failed', async (mode) => {
    const res = await supervisor.post(`/api/calls/${callId}/spy`, { mode });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({
      error: { code: 'NOT_SUPPORTED_ON_SIP', message: expect.stringMatching(/mixer/) },
    });
    const [audit] = await ds.query(
      `SELECT details FROM audit_log WHERE action = 'call.spy' AND actor_id = $1 AND details->>'mode' = $2
       ORDER BY id DESC LIMIT 1`,
      [supervisorId, mode],
    );
    expect(audit.details).toMatchObject({ mode, outcome: 'failed' });
  });
});

// Listen-in on real parts: a sipp customer talks to operator 1001 through the SIP front's queue (media anchored in
// the real rtpengine); the supervisor asks the API to listen; the SIP front calls 1901's sipp phone with rtpengine's
// fork of both parties, and the RTP of each party arrives at the media ports 1901's phone answered with.
describe('listen-in on the SIP front (drachtio-server + rtpengine + sipp)', () => {
  let database: Database;
  let ds: DataSource;
  let node: TestApp;
  let redis: Redis;
  let wavDir: string;
  let supervisor: ApiClient;
  const userIds: string[] = [];
  const sockets: Socket[] = [];
  const phones: Phone[] = [];
  const startedAt = new Date();

  beforeAll(async () => {
    requireSipFront();
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    wavDir = makeServiceDir('sip-listen');
    redis = new Redis(process.env.REDIS_URL!);
    const registrations = new RedisRegistrationStore(redis);
    for (const ext of ['1001', '1901']) await registrations.put(ext, `sip:${ext}@127.0.0.1:${PHONE_PORTS[ext]}`, 600);
    const telephony = {
      ...testConfig().telephony,
      provider: 'sip' as const,
      drachtio: { host: DRACHTIO.host, port: DRACHTIO.adminPort, secret: DRACHTIO.secret },
      rtpengine: liveMedia(wavDir).rtpengine!,
    };
    const provider = createProvider({ config: { telephony }, dataSource: ds, logger: testLogger('sip-listen'), redis });
    node = await startTestNode({ telephony }, { database, provider, name: 'sip-listen' });
    await waitFor(async () => provider!.isUp(), { what: 'SIP provider up', timeoutMs: 10_000, intervalMs: 50 });
    const prefix = suitePrefix('sip-listen');
    const op = await createUser(ds, `${prefix}-op`, 'operator', '1001');
    const sup = await createUser(ds, `${prefix}-sup`, 'supervisor', '1901');
    userIds.push(op.id, sup.id);
    supervisor = new ApiClient(node.baseUrl);
    await supervisor.login(sup.login, TEST_PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    for (const s of sockets) s.close();
    await node?.close();
    if (ds?.isInitialized) {
      await ds.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [userIds]);
      await ds.query(`DELETE FROM call_events WHERE call_id IN (SELECT id FROM calls WHERE operator_id = ANY($1))`, [
        userIds,
      ]);
      await deleteUsers(ds, userIds);
    }
    await database?.close();
    await redis?.del('zvonok:sip:reg:1001', 'zvonok:sip:reg:1901');
    await redis?.quit();
    if (wavDir) removeServiceDir(wavDir);
  });

  /** A UDP port that counts the RTP packets it receives. */
  async function rtpSink(): Promise<{ port: number; packets: () => number }> {
    const socket = createSocket('udp4');
    sockets.push(socket);
    let packets = 0;
    socket.on('message', (m) => {
      if (m.length > 12 && m[0]! >> 6 === 2) packets += 1; // RTP version 2
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return { port: socket.address().port, packets: () => packets };
  }

  it('listen → 1901 answers and receives both parties’ audio forked by rtpengine; hung up with the call', async () => {
    const [customerSide, operatorSide] = [await rtpSink(), await rtpSink()];
    const trace = join(makeServiceDir('sipp-trace'), 'supervisor.log');
    phones.push(await plugSipPhone('1001', 'uas-operator-answer.xml'));
    phones.push(
      await startUas('uas-supervisor-listen.xml', PHONE_PORTS['1901']!, '1901', [
        ...['-set', 'p1', String(customerSide.port), '-set', 'p2', String(operatorSide.port)],
        ...['-trace_msg', '-message_file', trace],
      ]),
    );
    const caller = callSipFront('uac-queue-talk-expect-200.xml', {
      service: '7000',
      extraArgs: ['-d', '8000'],
      timeoutMs: 40_000,
    });
    let callId = '';
    await waitFor(
      async () => {
        const rows: { id: string }[] = await ds.query(
          `SELECT id FROM calls WHERE status = 'answered' AND agent_extension = '1001' AND started_at >= $1`,
          [startedAt],
        );
        callId = rows[0]?.id ?? '';
        return callId !== '';
      },
      { what: 'the call answered by 1001', timeoutMs: 20_000, intervalMs: 100 },
    );
    const res = await supervisor.post(`/api/calls/${callId}/spy`, { mode: 'listen' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ callId, mode: 'listen', extension: '1901', action: 'originated' });
    // Both parties play G.711 audio (sipp pcap): each arrives on its own stream at the supervisor's phone.
    await waitFor(async () => customerSide.packets() > 20 && operatorSide.packets() > 20, {
      what: `RTP of both parties at 1901 (customer ${customerSide.packets()}, operator ${operatorSide.packets()})`,
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const result = await caller;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    // The call's end hangs up the listening leg too.
    await waitFor(async () => /^BYE /m.test(readFileSync(trace, 'utf8')), {
      what: 'BYE to the supervisor',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    // The listening leg is no call of its own and no part of the call's record.
    await waitFor(
      async () => (await ds.query(`SELECT 1 FROM calls WHERE id = $1 AND status = 'ended'`, [callId])).length === 1,
      { what: 'the call stored as ended', timeoutMs: 10_000, intervalMs: 100 },
    );
    const [stored] = await ds.query(`SELECT agent_extension, disposition FROM calls WHERE id = $1`, [callId]);
    expect(stored).toEqual({ agent_extension: '1001', disposition: 'answered' });
    const others = await ds.query(`SELECT id FROM calls WHERE started_at >= $1 AND id <> $2`, [startedAt, callId]);
    expect(others).toEqual([]);
  });
});
