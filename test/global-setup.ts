import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { TestProject } from 'vitest/node';

import { AMI, startAsterisk } from '@test/support/services/asterisk';
import { drachtioBinary, startDrachtio } from '@test/support/services/drachtio';
import { startPostgres } from '@test/support/services/postgres';
import { startRedis } from '@test/support/services/redis';
import { startRtpengine } from '@test/support/services/rtpengine';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const log = (message: string) => console.log(`[global-setup] ${message}`);

type Teardown = () => Promise<void>;

/**
 * Vitest globalSetup (main process, before any worker): real Postgres 15 (migrated), Redis, Asterisk 22, and the
 * SIP front's drachtio-server + rtpengine.
 * Values go to process.env, which the forked/threaded workers inherit (checked on vitest 4.1).
 *
 * ZVONOK_TEST_DATABASE_URL / ZVONOK_TEST_REDIS_URL point the suites at servers you already run instead of
 * throwaway ones; a plain DATABASE_URL is deliberately ignored so a dev database is never wiped by tests.
 */
export default async function setup(project: TestProject): Promise<Teardown> {
  const teardowns: Teardown[] = [];
  const teardown = async () => {
    for (const stop of teardowns.reverse()) await stop().catch((error: unknown) => log(`teardown: ${String(error)}`));
  };
  const started = Date.now();
  try {
    const files = await selectedFiles(project);
    const [database, redis, asterisk, sip] = await Promise.allSettled([
      provideDatabase(teardowns),
      provideRedis(teardowns),
      files.some(needsPbx)
        ? startAsterisk(repoRoot).then((pbx) => {
            teardowns.push(pbx.stop);
            return pbx;
          })
        : Promise.resolve(null),
      files.some(runsOnSipFront) ? provideSipFront(teardowns) : Promise.resolve(null),
    ]);
    // Without the SIP front only the SIP suites fail (test/support/sip-live.ts throws this message in them).
    if (sip.status === 'rejected') {
      const reason = sip.reason instanceof Error ? sip.reason.message : String(sip.reason);
      process.env.ZVONOK_SIP_FRONT_ERROR = reason;
      log(`SIP front (drachtio-server + rtpengine) not available: ${reason}`);
    } else if (sip.value === null) {
      process.env.ZVONOK_SIP_FRONT_ERROR = 'not started: no suite of this run imports test/support/sip-live';
      log('SIP front (drachtio-server + rtpengine) not started: no SIP suite in this run');
    } else {
      process.env.ZVONOK_RTPENGINE_RECORDING_DIR = sip.value;
      delete process.env.ZVONOK_SIP_FRONT_ERROR;
    }
    const failures = [database, redis, asterisk].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (failures.length) throw new AggregateError(failures, failures.map(String).join('\n'));
    if (database.status !== 'fulfilled' || redis.status !== 'fulfilled' || asterisk.status !== 'fulfilled')
      return teardown;

    Object.assign(process.env, { DATABASE_URL: database.value, REDIS_URL: redis.value });
    const pbx = asterisk.value;
    if (!pbx) {
      log(`ready in ${Date.now() - started} ms, no PBX: DATABASE_URL=${database.value} REDIS_URL=${redis.value}`);
      return teardown;
    }
    Object.assign(process.env, {
      AMI_HOST: AMI.host,
      AMI_PORT: String(AMI.port),
      AMI_USER: AMI.user,
      AMI_SECRET: AMI.secret,
      ASTERISK_ROOT: pbx.root,
      RECORDINGS_DIR: pbx.recordingsDir,
    });
    log(
      `ready in ${Date.now() - started} ms: DATABASE_URL=${database.value} REDIS_URL=${redis.value} ` +
        `AMI=${AMI.host}:${AMI.port} (${pbx.startedHere ? 'started' : 'reused'}) ASTERISK_ROOT=${pbx.root}`,
    );
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

async function provideDatabase(teardowns: Teardown[]): Promise<string> {
  let url = process.env.ZVONOK_TEST_DATABASE_URL;
  if (!url) {
    const pg = await startPostgres({ database: 'zvonok_test' });
    teardowns.push(pg.stop);
    url = pg.url;
  }
  await migrate(url);
  return url;
}

async function provideRedis(teardowns: Teardown[]): Promise<string> {
  if (process.env.ZVONOK_TEST_REDIS_URL) return process.env.ZVONOK_TEST_REDIS_URL;
  const redis = await startRedis();
  teardowns.push(redis.stop);
  return redis.url;
}

/** The files this run will run. */
async function selectedFiles(project: TestProject): Promise<string[]> {
  // The CLI's file filters; vitest keeps them on its instance (internal, read-only here; absent: every file).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  return (await project.globTestFiles(filters)).testFiles;
}

/**
 * A suite on the SIP front (it imports test/support/sip-live): only then is drachtio-server built (minutes, once per
 * machine) and started, so a run of other suites never waits for it.
 */
const runsOnSipFront = (file: string) => /@test\/support\/sip-live['"]/.test(readFileSync(file, 'utf8'));

/**
 * Every integration suite may reach the PBX; of the browser specs only those under test/e2e/specs/pbx/ do. A run
 * of the others alone starts no Asterisk, so it can share the machine with a run that owns the PBX.
 */
const needsPbx = (file: string) => !file.includes('/test/e2e/specs/') || file.includes('/test/e2e/specs/pbx/');

/** drachtio-server (built once per machine) and rtpengine; resolves with rtpengine's recording dir. */
async function provideSipFront(teardowns: Teardown[]): Promise<string> {
  const [binary, rtpengine] = await Promise.allSettled([drachtioBinary(repoRoot), startRtpengine()]);
  if (rtpengine.status === 'fulfilled') teardowns.push(rtpengine.value.stop);
  if (binary.status === 'rejected') throw binary.reason;
  if (rtpengine.status === 'rejected') throw rtpengine.reason;
  const drachtio = await startDrachtio(binary.value);
  teardowns.push(drachtio.stop);
  return rtpengine.value.recordingDir;
}

/** The real migrations, through the same CLI operators use (`npm run migration:run`). */
async function migrate(databaseUrl: string): Promise<void> {
  const tsx = join(repoRoot, 'node_modules/.bin/tsx');
  const cli = join(repoRoot, 'server/src/cli/migrate.ts');
  if (!existsSync(cli)) throw new Error(`migrations CLI ${cli} is missing`);
  try {
    const { stdout } = await execFileAsync(tsx, [cli], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      timeout: 120_000,
    });
    log(`migrations: ${stdout.trim().split('\n').pop() ?? ''}`);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`migrations failed:\n${stdout ?? ''}${stderr ?? String(error)}`, { cause: error });
  }
}
