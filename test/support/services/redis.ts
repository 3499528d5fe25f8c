import { join } from 'node:path';
import { Redis } from 'ioredis';

import { freePort, waitFor } from '@test/support/services/ports';
import { ServiceProcess, makeServiceDir, removeServiceDir } from '@test/support/services/service-process';

export interface RedisOptions {
  /** Fixed port; a free loopback port by default. */
  port?: number;
  /** Binary (default redis-server from PATH, or $ZVONOK_REDIS_SERVER). */
  binary?: string;
  /** Append-only file with fsync on every write, as production runs it: a kill then loses nothing. */
  appendOnly?: boolean;
}

export interface RedisService {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  logTail(lines?: number): string;
  /** SIGKILL: a crash. Without `appendOnly` data is lost and `restart()` brings an empty server back. */
  kill(): Promise<void>;
  /** Stops if running, then starts again on the same port (empty unless `appendOnly`). */
  restart(): Promise<void>;
  /** Final teardown: stops the server and deletes its dir. */
  stop(): Promise<void>;
}

/** A throwaway redis-server on a loopback port, no persistence unless `appendOnly`. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisService> {
  const binary = options.binary ?? process.env.ZVONOK_REDIS_SERVER ?? 'redis-server';
  const dir = makeServiceDir('redis');
  const logFile = join(dir, 'redis.log');
  let server: ServiceProcess | undefined;

  const cleanup = async () => {
    await server?.terminate('SIGTERM');
    removeServiceDir(dir);
  };

  try {
    const port = options.port ?? (await freePort());
    const url = `redis://127.0.0.1:${port}`;
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      options.appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--logfile',
      '',
    ];
    const launch = async () => {
      const proc = new ServiceProcess('redis', binary, args, { cwd: dir, logFile });
      server = proc;
      await waitFor(() => ping(port), {
        what: `redis on port ${port}`,
        abort: () => (proc.exitReason() ? `${proc.exitReason()}\n${proc.logTail()}` : undefined),
      });
    };
    await launch();

    return {
      url,
      port,
      logTail: (lines) => server?.logTail(lines) ?? '',
      kill: async () => {
        await server?.kill();
      },
      restart: async () => {
        await server?.terminate('SIGTERM');
        await launch();
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function ping(port: number): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}
