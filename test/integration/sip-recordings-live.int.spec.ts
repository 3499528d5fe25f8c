import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type TelephonyProvider } from '@telephony';
import { RedisRegistrationStore } from '@telephony/sip/redis-registration-store';
import { createDatabase, type Database } from '@server/db/data-source';
import { MediaTools } from '@server/modules/recordings/media-tools';
import { type IngestOutcome } from '@server/modules/recordings/recording-ingest.service';
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
import { makeServiceDir, removeServiceDir } from '@test/support/services/service-process';
import { DRACHTIO, callSipFront, liveMedia, plugSipPhone } from '@test/support/sip-live';
import { PHONE_PORTS, type Phone } from '@test/support/sipp';

const execFileAsync = promisify(execFile);

// The recording path of the SIP front, end to end on real parts, composed as the server composes it
// (TELEPHONY_PROVIDER=sip: queue `support` of the active operators, registrations in Redis): a sipp customer calls
// the real drachtio-server, the queue rings operators 1001 and 1002, 1001's sipp phone answers and both sides send
// audio through the real rtpengine, which records the call (pcap); the SIP provider turns it into a WAV and reports
// recording.ready; the server's own pipeline and ingest (the same as for MixMonitor's files) store it as Opus, and
// the API serves it under the same rules.
describe('SIP front recordings through the server ingest (drachtio-server + rtpengine + sipp)', () => {
  let database: Database;
  let ds: DataSource;
  let provider: TelephonyProvider;
  let node: TestApp;
  let baseUrl: string;
  let wavDir: string;
  let storeDir: string;
  const outcomes: { callId: string; outcome: IngestOutcome }[] = [];
  const userIds: string[] = [];
  const clients: Record<'op1' | 'op2' | 'sup', ApiClient> = {} as never;
  let op1Id: string;
  let redis: Redis;
  const startedAt = new Date();

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    wavDir = makeServiceDir('sip-recordings');
    storeDir = makeServiceDir('sip-store');
    // The server's own composition of the SIP front (route and queue from its users, registrations in Redis).
    redis = new Redis(process.env.REDIS_URL!);
    const registrations = new RedisRegistrationStore(redis);
    for (const ext of ['1001', '1002']) await registrations.put(ext, `sip:${ext}@127.0.0.1:${PHONE_PORTS[ext]}`, 600);
    const media = liveMedia(wavDir);
    const telephony = {
      ...testConfig().telephony,
      provider: 'sip' as const,
      drachtio: { host: DRACHTIO.host, port: DRACHTIO.adminPort, secret: DRACHTIO.secret },
      rtpengine: { ...media.rtpengine!, recording: media.recording! },
    };
    const created = createProvider({ config: { telephony }, dataSource: ds, logger: testLogger('sip-rec'), redis });
    if (!created) throw new Error('no SIP provider');
    provider = created;
    // The node itself runs without Redis (an in-process bus keeps this suite's calls its own).
    node = await startTestNode(
      { telephony, recordingsDir: wavDir, recordingsStoreDir: storeDir },
      { database, provider, name: 'sip-rec' },
    );
    baseUrl = node.baseUrl;
    node.node.recordings.onOutcome((callId, _f, outcome) => outcomes.push({ callId, outcome }));
    await waitFor(async () => provider.isUp(), { what: 'SIP provider up', timeoutMs: 10_000, intervalMs: 50 });

    const prefix = suitePrefix('sip-rec');
    const specs = [
      ['op1', 'operator', '1001'],
      ['op2', 'operator', '1002'],
      ['sup', 'supervisor', null],
    ] as const;
    for (const [key, role, ext] of specs) {
      const user = await createUser(ds, `${prefix}-${key}`, role, ext);
      userIds.push(user.id);
      if (key === 'op1') op1Id = user.id;
      clients[key] = new ApiClient(baseUrl);
      await clients[key].login(user.login, TEST_PASSWORD);
    }
  });

  afterAll(async () => {
    await node?.close();
    if (ds?.isInitialized) {
      await ds.query(`DELETE FROM call_events WHERE call_id IN (SELECT id FROM calls WHERE operator_id = ANY($1))`, [
        userIds,
      ]);
      await deleteUsers(ds, userIds);
    }
    await database?.close();
    await redis?.del('zvonok:sip:reg:1001', 'zvonok:sip:reg:1002');
    await redis?.quit();
    if (wavDir) removeServiceDir(wavDir);
    if (storeDir) removeServiceDir(storeDir);
  });

  it('an answered call with audio → recording ingested as Opus, same detail link, Range, per-role access', async () => {
    let phone: Phone | undefined;
    try {
      phone = await plugSipPhone('1001', 'uas-operator-answer.xml');
      const result = await callSipFront('uac-queue-answered-expect-200.xml', { service: '7000', timeoutMs: 30_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    } finally {
      await phone?.stop();
    }
    let call: { id: string } | undefined;
    await waitFor(
      async () => {
        [call] = await ds.query(
          `SELECT id FROM calls WHERE status = 'ended' AND started_at >= $1 AND operator_id = $2
             AND from_e164 = '+79161234567' ORDER BY started_at DESC LIMIT 1`,
          [startedAt, op1Id],
        );
        return call !== undefined;
      },
      { what: 'the ended call', timeoutMs: 20_000, intervalMs: 200 },
    );
    let rec: { id: string; storage_key: string; size_bytes: string; mime: string } | undefined;
    await waitFor(
      async () => {
        [rec] = await ds.query('SELECT id, storage_key, size_bytes, mime FROM recordings WHERE call_id = $1', [
          call!.id,
        ]);
        return rec !== undefined;
      },
      { what: 'the recording row', timeoutMs: 30_000, intervalMs: 250 },
    );
    // Only this call's: at start the node also re-queues what other suites' calls left unrecorded.
    expect(outcomes.filter((o) => o.callId === call!.id && o.outcome.status === 'rejected')).toEqual([]);
    // The storage key is the same shape as for MixMonitor's files: <yyyy>/<mm>/<dd>/<callId>-<8 hex>.ogg
    expect(rec!.storage_key).toMatch(new RegExp(`^\\d{4}/\\d{2}/\\d{2}/${call!.id}-[0-9a-f]{8}\\.ogg$`));
    expect(rec!.mime).toBe('audio/ogg');

    const detail = await clients.op1.get(`/api/calls/${call!.id}`);
    expect(detail.body).toMatchObject({
      disposition: 'answered',
      queue: 'support',
      recordingUrl: `/api/recordings/${rec!.id}`,
    });
    const fetchAs = (who: keyof typeof clients, headers: Record<string, string> = {}) =>
      fetch(`${baseUrl}/api/recordings/${rec!.id}`, { headers: { cookie: clients[who].cookie!, ...headers } });
    const ranged = await fetchAs('op1', { range: 'bytes=0-99' });
    expect(ranged.status).toBe(206);
    expect((await fetchAs('op2', { range: 'bytes=0-99' })).status).toBe(403);
    const full = await fetchAs('sup');
    expect(full.status).toBe(200);
    const copy = join(storeDir, 'downloaded.ogg');
    writeFileSync(copy, Buffer.from(await full.arrayBuffer()));
    const probe = await new MediaTools().probeAudio(copy);
    expect(probe).toMatchObject({ format: 'ogg', codec: 'opus', channels: 1 });
    // the caller talks 4 s after the answer (uac-queue-answered-expect-200.xml); both sides play G.711 audio
    expect(probe!.durationSeconds).toBeGreaterThan(3);
    const { stderr } = await execFileAsync('ffmpeg', [
      '-nostdin',
      '-i',
      copy,
      '-af',
      'volumedetect',
      '-f',
      'null',
      '-',
    ]);
    expect(Number(/max_volume: (-?[\d.]+) dB/.exec(stderr)?.[1])).toBeGreaterThan(-40);
  });
});
