import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { createDatabase, type Database } from '@server/db/data-source';
import { MediaTools } from '@server/modules/recordings/media-tools';
import { type IngestOutcome } from '@server/modules/recordings/recording-ingest.service';
import { amiConfigFromEnv, RECORDINGS_DIR } from '@test/support/ami-live';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  requireDatabaseUrl,
  suitePrefix,
  startTestNode,
  type TestApp,
  TEST_PASSWORD,
} from '@test/support/api-server';
import { runSipp, startOperatorPhone, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';
import { waitFor } from '@test/support/services/ports';

const execFileAsync = promisify(execFile);

// The whole recording path on the real PBX: a sipp customer calls queue 7000, operator 1001's sipp phone answers
// and both sides send audio; MixMonitor writes the WAV in the Asterisk chroot; the AMI provider → pipeline →
// recording reaction ingests it; the API serves it. Plus click-to-call through the API ringing 1001's phone.
// Run under `flock /tmp/zv-live.lock` (fixed phone ports, one shared PBX).
describe('recordings and click-to-call on the live Asterisk 22 (sipp)', () => {
  let database: Database;
  let ds: DataSource;
  let provider: TelephonyProvider;
  let node: TestApp;
  let baseUrl: string;
  let storeDir: string;
  const outcomes: { callId: string; outcome: IngestOutcome }[] = [];
  const userIds: string[] = [];
  const clients: Record<'op1' | 'op2' | 'sup', ApiClient> = {} as never;
  let op1Id: string;
  const startedAt = new Date();

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    storeDir = mkdtempSync(join(tmpdir(), 'zv-store-live-'));
    provider = createTelephonyProvider(amiConfigFromEnv());
    node = await startTestNode({ recordingsDir: RECORDINGS_DIR, recordingsStoreDir: storeDir }, { database, provider });
    baseUrl = node.baseUrl;
    node.node.recordings.onOutcome((callId, _f, outcome) => outcomes.push({ callId, outcome }));
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000, intervalMs: 50 });
    // An earlier suite may have left 1001 paused; the queue must be able to ring it.
    await provider.setAgentPaused('1001', false).catch(() => undefined);

    const prefix = suitePrefix('rec-live');
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
    rmSync(storeDir, { recursive: true, force: true });
  });

  /** The newest call of ours matching `where`, once ended (the pipeline stores it asynchronously). */
  async function endedCall(where: string, params: unknown[]): Promise<{ id: string }> {
    let row: { id: string } | undefined;
    await waitFor(
      async () => {
        [row] = await ds.query(
          `SELECT id FROM calls WHERE status = 'ended' AND started_at >= $1 AND ${where} ORDER BY started_at DESC LIMIT 1`,
          [startedAt, ...params],
        );
        return row !== undefined;
      },
      { what: `ended call (${where})`, timeoutMs: 20_000, intervalMs: 200 },
    );
    return row!;
  }

  async function recordingOf(callId: string): Promise<{ id: string; storage_key: string; size_bytes: string }> {
    let row: { id: string; storage_key: string; size_bytes: string } | undefined;
    await waitFor(
      async () => {
        [row] = await ds.query('SELECT id, storage_key, size_bytes FROM recordings WHERE call_id = $1', [callId]);
        return row !== undefined;
      },
      { what: `recording of ${callId}`, timeoutMs: 30_000, intervalMs: 250 },
    );
    return row!;
  }

  const fetchAs = (who: keyof typeof clients, id: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/api/recordings/${id}`, { headers: { cookie: clients[who].cookie!, ...headers } });

  it('queue call answered by 1001 with audio → recording ingested, served by Range, ACL and audit', async () => {
    let phone: Phone | undefined;
    try {
      phone = await startOperatorPhone('1001', 'uas-operator-answer.xml');
      const result = await runSipp('uac-queue-answered-expect-200.xml', { service: '7000', timeoutMs: 30_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    } finally {
      await phone?.stop();
    }
    const call = await endedCall(`from_e164 = '+79161234567' AND direction = 'inbound' AND operator_id = $2`, [op1Id]);
    const rec = await recordingOf(call.id);
    // Only this call's: at start the node also re-queues what other suites' calls left unrecorded.
    expect(outcomes.filter((o) => o.callId === call.id && o.outcome.status === 'rejected')).toEqual([]);
    // The profile's hangup handler runs StopMixMonitor: Asterisk said the file was closed before the call ended.
    const [ready] = await ds.query(`SELECT payload FROM call_events WHERE call_id = $1 AND type = 'recording.ready'`, [
      call.id,
    ]);
    expect(ready.payload).toMatchObject({ closed: true });

    // The public contract shows the link to the operator who answered.
    const detail = await clients.op1.get(`/api/calls/${call.id}`);
    expect(detail.body).toMatchObject({
      id: call.id,
      disposition: 'answered',
      recordingUrl: `/api/recordings/${rec.id}`,
    });

    const ranged = await fetchAs('op1', rec.id, { range: 'bytes=0-99' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${rec.size_bytes}`);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);

    expect((await fetchAs('op2', rec.id, { range: 'bytes=0-99' })).status).toBe(403);

    const full = await fetchAs('sup', rec.id);
    expect(full.status).toBe(200);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.length).toBe(Number(rec.size_bytes));
    // Playable: ffprobe sees Opus in Ogg, ffmpeg decodes it to the end without an error, and it is not silence
    // (sipp plays a G.711 recording on both legs).
    const copy = join(storeDir, 'downloaded.ogg');
    writeFileSync(copy, bytes);
    const probe = await new MediaTools().probeAudio(copy);
    expect(probe).toMatchObject({ format: 'ogg', codec: 'opus', channels: 1 });
    expect(probe!.durationSeconds).toBeGreaterThan(3);
    const { stderr } = await execFileAsync('ffmpeg', [
      '-nostdin',
      '-v',
      'info',
      '-i',
      copy,
      '-af',
      'volumedetect',
      '-f',
      'null',
      '-',
    ]);
    const maxVolume = Number(/max_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
    expect(maxVolume).toBeGreaterThan(-40);

    const audit: { actor_id: string; action: string }[] = await ds.query(
      `SELECT actor_id, action FROM audit_log WHERE entity = 'recording' AND entity_id = $1 ORDER BY id`,
      [rec.id],
    );
    expect(audit).toEqual([
      { actor_id: op1Id, action: 'recording.listen' },
      { actor_id: userIds[1], action: 'recording.listen-denied' },
      { actor_id: userIds[2], action: 'recording.listen' },
    ]);
  });

  it('click-to-call through the API: 1001’s phone rings and answers first, then the customer; outbound call stored', async () => {
    const phone = await startOperatorPhone('1001', 'uas-operator-answer.xml');
    const outside = await startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside');
    try {
      const res = await clients.op1.post('/api/calls/originate', { destination: '8 916 123-45-67' });
      // Resolves once the PBX reports the operator's phone answered (OriginateResponse Success).
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ destination: '+79161234567', requestId: expect.any(String) });
      const call = await endedCall(`to_e164 = '+79161234567' AND direction = 'outbound' AND operator_id = $2`, [op1Id]);
      const list = await clients.op1.get('/api/calls?phone=89161234567');
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(call.id);
      const [audit] = await ds.query(
        `SELECT details FROM audit_log WHERE action = 'call.originate' AND actor_id = $1 ORDER BY id DESC LIMIT 1`,
        [op1Id],
      );
      expect(audit.details).toMatchObject({ requestId: res.body.requestId, extension: '1001' });
    } finally {
      await Promise.all([phone.stop(), outside.stop()]);
    }
  });
});
