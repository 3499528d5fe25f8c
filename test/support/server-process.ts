import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { freePort, waitFor } from '@test/support/services/ports';

const repoRoot = process.cwd();

export interface ServerProcess {
  baseUrl: string;
  port: number;
  /** Process group of `tsx server/src/main.ts` (tsx runs the server in a child of its own). */
  pgid: number;
  /** Everything printed so far (stdout and stderr, the last 200 chunks). */
  output(): string;
  /** Settles when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * The real server (`tsx server/src/main.ts`) as a child process on a free loopback port, with exactly `env` on top
 * of this process's environment (PORT and HOST set here). It is not waited for: see `waitUntilServing`.
 */
export async function spawnServer(
  env: Record<string, string | undefined>,
  options: { port?: number } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const chunks: string[] = [];
  const child: ChildProcess = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString());
    if (chunks.length > 200) chunks.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pgid = child.pid!;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    pgid,
    output: () => chunks.join(''),
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-pgid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-pgid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until the server answers HTTP (any status of `probePath`); throws with its output if it exits first. */
export async function waitUntilServing(
  server: ServerProcess,
  options: { probePath?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<void> {
  let exit: string | undefined;
  void server.exited.then(({ code, signal }) => (exit = `server exited (${code ?? signal})`));
  try {
    await waitFor(
      async () => {
        const res = await fetch(`${server.baseUrl}${options.probePath ?? '/healthz'}`, { headers: options.headers });
        return res.status < 500;
      },
      { what: 'zvonok server', timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 250, abort: () => exit },
    );
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${server.output()}`, { cause: error });
  }
}

/** Whichever comes first: the server answering `/healthz`, or its exit (for starts that must be refused). */
export async function servesOrExits(
  server: ServerProcess,
): Promise<{ serving: true } | { serving: false; code: number | null; output: string }> {
  let exited = false;
  const exit = server.exited.then(({ code }) => {
    exited = true;
    return { serving: false as const, code, output: server.output() };
  });
  const serving = waitFor(async () => exited || (await fetch(`${server.baseUrl}/healthz`).then((res) => res.ok)), {
    what: 'zvonok server start or exit',
    timeoutMs: 90_000,
    intervalMs: 250,
  }).then(() => ({ serving: true as const }));
  return Promise.race([exit, serving]);
}
