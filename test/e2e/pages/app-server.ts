import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { spawnServer, waitUntilServing } from '@test/support/server-process';

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
 * throwaway Postgres/Redis, with demo data seeded and no PBX (the UI does not need one for these specs).
 */
export async function startAppServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through test/e2e/vitest.e2e.config.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'zvonok-e2e-'));
  const server = await spawnServer({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    TELEPHONY_PROVIDER: 'none',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  const stop = async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(server, { probePath: '/api/auth/me' });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return { baseUrl: server.baseUrl, stop };
}
