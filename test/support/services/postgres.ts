import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

import { freePort, waitFor } from '@test/support/services/ports';
import {
  ServiceProcess,
  makeOwnedDir,
  makeServiceDir,
  removeServiceDir,
  serviceAccount,
} from '@test/support/services/service-process';

const execFileAsync = promisify(execFile);

export interface PostgresOptions {
  /** Database created after start (default zvonok_test). */
  database?: string;
  /** Fixed port; a free loopback port by default. */
  port?: number;
  /** Server binaries (default /usr/lib/postgresql/15/bin, or $ZVONOK_PG_BIN). */
  binDir?: string;
  /** Extra `-c name=value` settings, e.g. { max_connections: '300' }. */
  settings?: Record<string, string>;
}

export interface PostgresService {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth, no password). */
  readonly url: string;
  readonly port: number;
  readonly database: string;
  readonly dataDir: string;
  /** Postmaster log so far (last lines), for failure messages. */
  logTail(lines?: number): string;
  /** SIGKILL the postmaster and all backends: a crash. `restart()` brings it back with crash recovery. */
  kill(): Promise<void>;
  /** Stops (fast shutdown) if running, then starts again on the same port and data dir. */
  restart(): Promise<void>;
  /** Final teardown: stops the server and deletes its data. */
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL on a loopback port, data in a temp dir, durability off for speed. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresService> {
  const binDir = options.binDir ?? process.env.ZVONOK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const database = options.database ?? 'zvonok_test';
  const account = serviceAccount('postgres');
  const dir = makeServiceDir('postgres');
  const ownDir = makeOwnedDir(join(dir, 'pg'), account);
  const dataDir = join(ownDir, 'data');
  const socketDir = join(ownDir, 'sock');
  const logFile = join(dir, 'postgres.log');
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC', HOME: ownDir };
  const asAccount = account ? { uid: account.uid, gid: account.gid } : {};
  let server: ServiceProcess | undefined;

  const cleanup = async () => {
    await server?.terminate('SIGINT');
    removeServiceDir(dir, [ownDir], account);
  };

  try {
    const port = options.port ?? (await freePort());
    await execFileAsync(
      join(binDir, 'initdb'),
      [
        '-D',
        dataDir,
        '-A',
        'trust',
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: ownDir, env, ...asAccount },
    ).catch((error: Error & { stderr?: string }) => {
      throw new Error(`initdb failed: ${error.stderr ?? error.message}`, { cause: error });
    });
    await execFileAsync('mkdir', ['-m', '0700', socketDir], { cwd: ownDir, ...asAccount });

    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      unix_socket_directories: socketDir,
      ...options.settings,
    };
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ];
    const url = `postgres://postgres@127.0.0.1:${port}/${database}`;
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;

    const launch = async () => {
      const proc = new ServiceProcess('postgres', join(binDir, 'postgres'), args, {
        cwd: ownDir,
        env,
        logFile,
        account,
      });
      server = proc;
      await waitFor(() => query(adminUrl, 'SELECT 1').then(() => true), {
        what: `postgres on port ${port}`,
        abort: () => (proc.exitReason() ? `${proc.exitReason()}\n${proc.logTail()}` : undefined),
      });
    };

    await launch();
    const exists = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await query(adminUrl, `CREATE DATABASE "${database}"`);

    return {
      url,
      port,
      database,
      dataDir,
      logTail: (lines) => server?.logTail(lines) ?? '',
      kill: async () => {
        await server?.kill();
      },
      restart: async () => {
        await server?.terminate('SIGINT');
        await launch();
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function query(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  // Without a listener an 'error' emitted while the server goes down would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
