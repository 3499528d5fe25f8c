import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { isPortOpen, waitFor } from '@test/support/services/ports';
import { registerPid, unregisterPid } from '@test/support/services/service-process';

const execFileAsync = promisify(execFile);
const PBX_SCRIPT = 'test/pbx/pbx.sh';

/** The reference profile of test/pbx/asterisk (fixed interface between helpers). */
export const AMI = { host: '127.0.0.1', port: 5038, user: 'zvonok', secret: 'zvonok-secret' } as const;

export interface AsteriskService {
  readonly root: string;
  readonly recordingsDir: string;
  /** False when an Asterisk was already listening on the AMI port; then stop/kill/restart leave it alone. */
  readonly startedHere: boolean;
  /** SIGKILL to the Asterisk process: a crash. `restart()` brings it back. */
  kill(): Promise<void>;
  /** `pbx.sh restart`; returns once AMI accepts a login. */
  restart(): Promise<void>;
  /** Final teardown: `pbx.sh stop` if we started it. */
  stop(): Promise<void>;
}

export function asteriskRoot(): string {
  return process.env.ZVONOK_ASTERISK_ROOT ?? '/var/cache/zvonok/asterisk-sid';
}

/**
 * The reference Asterisk 22 (sid chroot) via test/pbx/pbx.sh, started only when nothing listens on
 * 127.0.0.1:5038 yet — a PBX someone already runs is reused and never stopped by us.
 */
export async function startAsterisk(repoRoot = process.cwd()): Promise<AsteriskService> {
  const script = join(repoRoot, PBX_SCRIPT);
  const env = { ...process.env, ZVONOK_ASTERISK_ROOT: asteriskRoot() };
  const pbx = async (command: string): Promise<string> => {
    try {
      const { stdout } = await execFileAsync('bash', [script, command], { cwd: repoRoot, env, timeout: 600_000 });
      return stdout.trim().split('\n').pop() ?? '';
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`${PBX_SCRIPT} ${command} failed: ${stderr ?? String(error)}`, { cause: error });
    }
  };
  const pidFile = (root: string) => join(root, 'var/run/zvonok-asterisk.pid');
  // pbx.sh starts Asterisk under setsid, so its pid is also its process group for the run-tests exit trap.
  const readPid = (root: string): number | undefined => {
    if (!existsSync(pidFile(root))) return undefined;
    const pid = Number(readFileSync(pidFile(root), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  };

  if (await isPortOpen(AMI.port, AMI.host)) {
    const root = asteriskRoot();
    const noop = async () => undefined;
    return { root, recordingsDir: recordingsDir(root), startedHere: false, kill: noop, restart: noop, stop: noop };
  }

  const root = await pbx('start');
  let pid = readPid(root);
  if (pid) registerPid(pid, 'asterisk');
  return {
    root,
    recordingsDir: recordingsDir(root),
    startedHere: true,
    kill: async () => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await waitFor(async () => !(await isPortOpen(AMI.port, AMI.host)), { what: 'asterisk to die' });
    },
    restart: async () => {
      if (pid) unregisterPid(pid);
      await pbx('restart');
      pid = readPid(root);
      if (pid) registerPid(pid, 'asterisk');
    },
    stop: async () => {
      await pbx('stop');
      if (pid) unregisterPid(pid);
    },
  };
}

function recordingsDir(root: string): string {
  return join(root, 'var/spool/asterisk/monitor');
}
