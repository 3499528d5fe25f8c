import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { TEST_SIP_SECRETS_KEY } from '@test/support/api-server';
import { PJSIP_AUTH_FILE } from '@test/support/ami-live';
import { freePort, waitFor } from '@test/support/services/ports';

const execFileAsync = promisify(execFile);
const repoRoot = process.cwd();
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);

/** Production build of the client into dist/client, exactly what the quick start serves. */
export async function buildClient(): Promise<void> {
  await execFileAsync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: repoRoot, timeout: 120_000 });
  if (!existsSync(join(repoRoot, 'dist/client/index.html'))) throw new Error('vite build produced no index.html');
}

export interface AppServer {
  baseUrl: string;
  stop: () => Promise<void>;
}

/**
 * The real server (`tsx server/src/main.ts`) as a child process on a free port, against the harness's
 * throwaway Postgres/Redis, with demo data seeded and no PBX (the UI does not need one for these specs). With
 * `TELEPHONY_PROVIDER: 'ami'` it provisions the users' SIP secrets into the live Asterisk, as an installation
 * would, and resolves once `/readyz` says the PBX is connected (the secrets are in place before that).
 */
export async function startAppServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through test/e2e/vitest.e2e.config.ts');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'zvonok-e2e-'));
  const output: string[] = [];
  const child: ChildProcess = spawn(bin('tsx'), ['server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      TELEPHONY_PROVIDER: 'none',
      LOG_LEVEL: 'warn',
      SIP_SECRETS_KEY: TEST_SIP_SECRETS_KEY.toString('base64'),
      ...(extraEnv.TELEPHONY_PROVIDER === 'ami' ? { PJSIP_AUTH_FILE } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `server exited (${code ?? signal}):\n${output.join('')}`;
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        const res = await fetch(`${baseUrl}/api/auth/me`);
        return res.status === 401 || res.status === 200;
      },
      { what: 'zvonok server', timeoutMs: 90_000, intervalMs: 250, abort: () => exited },
    );
    if (extraEnv.TELEPHONY_PROVIDER === 'ami') {
      await waitFor(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, {
        what: 'zvonok server connected to the PBX',
        timeoutMs: 30_000,
        intervalMs: 250,
        abort: () => exited,
      });
    }
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.join('')}`, { cause: error });
  }
  return { baseUrl, stop };
}
