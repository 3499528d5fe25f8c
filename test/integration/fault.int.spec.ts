import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider } from '@telephony';
import { createDatabase, type Database } from '@server/db/data-source';
import { startRecordings, type RecordingsRuntime } from '@server/modules/recordings/recordings.runtime';
import { amiConfigFromEnv, killAsterisk, RECORDINGS_DIR, startAsteriskAgain } from '@test/support/ami-live';
import { isPortOpen, waitFor } from '@test/support/services/ports';
import { startPostgres, type PostgresService } from '@test/support/services/postgres';
import { startRedis, type RedisService } from '@test/support/services/redis';
import { runSipp, startOperatorPhone, type Phone, type SippResult } from '@test/support/sipp';
import { startWebNode, type WebNode } from '@test/support/web-node';

/**
 * Fault suite: real sipp calls through the real Asterisk 22 into a worker node (AMI provider + consumer) and a
 * second web node, over their own Postgres and Redis, which are killed and restarted mid-load. Afterwards every
 * call sipp placed exists exactly once with its outcome, its recording is linked, and no lead is duplicated.
 * Shortened in `npm test`; `npm run test:soak` (ZVONOK_SOAK=1) runs more calls. Run under
 * `flock /tmp/zv-live.lock` during development: it kills the shared Asterisk.
 */
const execFileAsync = promisify(execFile);
const SOAK = process.env.ZVONOK_SOAK === '1';
const CALLER = '+79161234567'; // uac-queue-answered-expect-200.xml: every call from one customer → one lead
const LOAD = SOAK ? { calls: 120, rate: 2 } : { calls: 16, rate: 1 };
const AMI_PORT = Number(process.env.AMI_PORT ?? 5038);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CallRow {
  id: string;
  linkedid: string;
  disposition: string | null;
  ended_at: Date | null;
  agent_extension: string | null;
  closed_from_cdr: boolean;
  hangup_cause: string | null;
  recordings: number;
}

describe('fault suite: Asterisk, Redis, Postgres and a web node fail during a sipp load (real peers)', () => {
  let pg: PostgresService;
  let redis: RedisService;
  let worker: WebNode;
  let nodeB: WebNode;
  let recordings: RecordingsRuntime;
  let recordingsDb: Database;
  let storeDir: string;
  const phones: Phone[] = [];
  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPostgres({ database: 'zvonok_fault' }), startRedis({ appendOnly: true })]);
    await execFileAsync('npx', ['tsx', 'server/src/cli/migrate.ts'], {
      env: { ...process.env, DATABASE_URL: pg.url, LOG_LEVEL: 'warn' },
      timeout: 120_000,
    });
    // The web-node helper reads these, like main.ts reads its config.
    process.env.DATABASE_URL = pg.url;
    process.env.REDIS_URL = redis.url;
    storeDir = mkdtempSync(join(os.tmpdir(), 'zv-fault-store-'));
    const provider = createTelephonyProvider(amiConfigFromEnv({ cdrGraceMs: 3_000 }));
    recordingsDb = await createDatabase({ databaseUrl: pg.url, dataDir: 'unused-with-database-url' });
    await recordingsDb.dataSource.initialize();
    recordings = startRecordings({
      config: { recordingsDir: RECORDINGS_DIR, recordingsStoreDir: storeDir },
      dataSource: recordingsDb.dataSource,
      logger: pino({ level: 'silent' }),
      retentionDays: () => 0,
    });
    // Both nodes ingest recordings, as in main.ts; node B is stopped mid-load and the worker takes over its share.
    nodeB = await startWebNode({ name: 'node-b', redis: true, extraReactions: [recordings.reaction] });
    worker = await startWebNode({ name: 'worker', redis: true, provider, extraReactions: [recordings.reaction] });
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 15_000 });
    for (const ext of ['1001', '1002', '1003', '1004']) phones.push(await startOperatorPhone(ext));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    await worker?.close();
    await nodeB?.close();
    await recordings?.stop();
    await recordingsDb?.close();
    Object.assign(process.env, savedEnv);
    await Promise.all([pg?.stop(), redis?.stop()]);
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    if (!(await isPortOpen(AMI_PORT))) await startAsteriskAgain();
  }, 120_000);

  const callsSince = async (since: Date): Promise<CallRow[]> => {
    const rows = (await worker.dataSource.query(
      `SELECT c.id, c.linkedid, c.disposition, c.ended_at, c.agent_extension, c.closed_from_cdr, c.hangup_cause,
              (SELECT count(*)::int FROM recordings r WHERE r.call_id = c.id) AS recordings
       FROM calls c WHERE c.from_e164 = $1 AND c.started_at >= $2 ORDER BY c.started_at`,
      [CALLER, since],
    )) as CallRow[];
    return rows;
  };

  it('Redis, Postgres and a web node die mid-load: every placed call recorded once, answered, recorded, one lead', async () => {
    const since = new Date(Date.now() - 1_000);
    const load: Promise<SippResult> = runSipp('uac-queue-answered-expect-200.xml', {
      service: '7000',
      calls: LOAD.calls,
      rate: LOAD.rate,
      limit: 4,
      timeoutMs: 240_000,
    });
    await sleep(3_000);
    await redis.kill();
    await sleep(2_000);
    await redis.restart();
    await sleep(2_000);
    await pg.kill();
    await sleep(2_000);
    await pg.restart();
    await sleep(2_000);
    await nodeB.close(); // a web node goes away mid-stream; what it read but did not finish stays pending
    const sipp = await load;
    expect(sipp, sipp.stderr).toMatchObject({ timedOut: false, successful: LOAD.calls, failed: 0 });

    // The worker claims node B's pending entries after the bus's idle time (15 s), then everything settles.
    let rows: CallRow[] = [];
    await waitFor(
      async () => {
        rows = await callsSince(since);
        return rows.length >= LOAD.calls && rows.every((r) => r.ended_at && r.recordings > 0);
      },
      { what: `${LOAD.calls} ended calls with recordings`, timeoutMs: 90_000, intervalMs: 500 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${JSON.stringify(rows, null, 1)}`, { cause: err });
    });
    console.log(
      `[fault] load with Redis/Postgres/node faults: sipp placed ${sipp.successful}, recorded ${rows.length}`,
    );
    expect(rows).toHaveLength(LOAD.calls);
    expect(new Set(rows.map((r) => r.linkedid)).size).toBe(LOAD.calls);
    for (const row of rows) {
      expect(row).toMatchObject({ disposition: 'answered', closed_from_cdr: false, recordings: 1 });
      expect(row.agent_extension).toMatch(/^100[1-4]$/);
    }
    const leads = (await worker.dataSource.query(`SELECT id FROM leads WHERE phone_e164 = $1`, [CALLER])) as unknown[];
    expect(leads).toHaveLength(1);
  }, 300_000);

  it('Asterisk is killed mid-call and restarted: the calls it cut are closed, none duplicated, later calls recorded', async () => {
    const since = new Date(Date.now() - 1_000);
    const calls = SOAK ? 20 : 6;
    // -recv_timeout: calls cut by the crash fail in seconds instead of sipp's 32 s of retransmissions.
    const load = runSipp('uac-queue-answered-expect-200.xml', {
      service: '7000',
      calls,
      rate: 1,
      limit: 4,
      timeoutMs: 120_000,
      extraArgs: ['-recv_timeout', '6000'],
    });
    await sleep(2_500);
    await killAsterisk();
    await startAsteriskAgain();
    const sipp = await load;
    let rows: CallRow[] = [];
    await waitFor(
      async () => {
        rows = await callsSince(since);
        return rows.length > 0 && rows.every((r) => r.ended_at);
      },
      { what: 'every call of the crash phase ended', timeoutMs: 60_000, intervalMs: 500 },
    );
    await sleep(2_000); // a duplicate or a late re-creation after the resync would show up now
    rows = await callsSince(since);
    const cut = rows.filter((r) => r.disposition !== 'answered' || r.closed_from_cdr || r.hangup_cause === 'failed');
    console.log(
      `[fault] Asterisk crash: sipp placed ${sipp.successful + sipp.failed} (${sipp.successful} completed), ` +
        `recorded ${rows.length} (${cut.length} closed after the crash)`,
    );
    expect(new Set(rows.map((r) => r.linkedid)).size).toBe(rows.length);
    expect(cut.length).toBeGreaterThanOrEqual(1); // the call in progress at the kill
    // Every call sipp completed went through Asterisk, so it is recorded, answered, with its recording.
    const completed = rows.filter((r) => r.disposition === 'answered' && !r.closed_from_cdr && r.recordings > 0);
    expect(completed.length).toBeGreaterThanOrEqual(sipp.successful);
    const leads = (await worker.dataSource.query(`SELECT id FROM leads WHERE phone_e164 = $1`, [CALLER])) as unknown[];
    expect(leads).toHaveLength(1);
  }, 240_000);
});
