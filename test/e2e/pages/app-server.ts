import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PJSIP_AUTH_FILE } from '@test/support/ami-live';
import { TEST_SIP_SECRETS_KEY } from '@test/support/api-server';
import { spawnServer, waitUntilServing } from '@test/support/server-process';
import { waitFor } from '@test/support/services/ports';

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
  const dataDir = mkdtempSync(join(tmpdir(), 'zvonok-e2e-'));
  const server = await spawnServer({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    TELEPHONY_PROVIDER: 'none',
    LOG_LEVEL: 'warn',
    SIP_SECRETS_KEY: TEST_SIP_SECRETS_KEY.toString('base64'),
    ...(extraEnv.TELEPHONY_PROVIDER === 'ami' ? { PJSIP_AUTH_FILE } : {}),
    ...extraEnv,
  });
  const stop = async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(server, { probePath: '/api/auth/me' });
    if (extraEnv.TELEPHONY_PROVIDER === 'ami' || extraEnv.TELEPHONY_PROVIDER === 'sip') {
      let exit: string | undefined;
      void server.exited.then(({ code, signal }) => (exit = `server exited (${code ?? signal})`));
      await waitFor(async () => (await fetch(`${server.baseUrl}/readyz`)).status === 200, {
        what: 'zvonok server connected to the PBX',
        timeoutMs: 30_000,
        intervalMs: 250,
        abort: () => exit,
      });
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return { baseUrl: server.baseUrl, stop };
}
