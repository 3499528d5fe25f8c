import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A system account a service must run as (Postgres refuses root; root here lacks CAP_DAC_OVERRIDE). */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The account to switch to, or undefined when we are not root and simply run as ourselves. */
export function serviceAccount(name: string): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`system user ${name} is missing (is the package installed?)`);
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * The directory under which services keep their temp dirs and pid files. test/bin/run-tests.sh sets
 * ZVONOK_RUN_DIR so its exit trap can kill and delete whatever a crashed vitest left behind.
 */
export function runDir(): string {
  return process.env.ZVONOK_RUN_DIR ?? tmpdir();
}

/** A fresh root-owned working dir for one service instance: `<runDir>/zvonok-<name>-XXXXXX`. */
export function makeServiceDir(name: string): string {
  const dir = mkdtempSync(join(runDir(), `zvonok-${name}-`));
  // Traversable: a service running as another account (postgres) keeps its own 0700 subdir in here.
  chmodSync(dir, 0o755);
  return dir;
}

/** A subdir owned by `account` (0700), e.g. the Postgres data dir; created as ourselves when no account. */
export function makeOwnedDir(path: string, account: Account | undefined): string {
  mkdirSync(path, { mode: 0o700 });
  if (account) chownSync(path, account.uid, account.gid);
  return path;
}

/**
 * Deletes a service dir. Subdirs owned by `account` are emptied as that account first, because root
 * without CAP_DAC_OVERRIDE cannot look inside them.
 */
export function removeServiceDir(dir: string, ownedSubdirs: string[] = [], account?: Account): void {
  for (const sub of ownedSubdirs) {
    if (account) {
      spawnSync('find', [sub, '-mindepth', '1', '-delete'], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
      rmdirSync(sub, { maxRetries: 3 });
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export interface SpawnServiceOptions {
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  account?: Account;
}

/**
 * A long-running service process in its own process group (so a crash can be simulated by killing the
 * whole group, backends included), with its output appended to a log file.
 */
export class ServiceProcess {
  readonly pid: number;
  private exitInfo: string | undefined;
  private readonly child: ChildProcess;
  private readonly exitPromise: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    private readonly options: SpawnServiceOptions,
  ) {
    const fd = openSync(options.logFile, 'a');
    try {
      this.child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        detached: true,
        stdio: ['ignore', fd, fd],
        uid: options.account?.uid,
        gid: options.account?.gid,
      });
    } finally {
      closeSync(fd);
    }
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
      this.child.once('error', (error) => {
        this.exitInfo = `failed to spawn: ${error.message}`;
        resolve();
      });
    });
    if (this.child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
    this.pid = this.child.pid;
    registerPid(this.pid, name);
  }

  /** Why the process is gone, or undefined while it runs. */
  exitReason(): string | undefined {
    return this.exitInfo;
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Sends `signal` to the leader, waits for the whole group to go, SIGKILLs the group after `timeoutMs`. */
  async terminate(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    if (this.exitInfo === undefined) signalGroup(this.pid, signal, false);
    const timedOut = await Promise.race([
      this.exitPromise.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
    ]);
    if (timedOut) signalGroup(this.pid, 'SIGKILL', true);
    await this.waitGroupGone();
  }

  /** SIGKILL to the whole group at once: a crash, no shutdown work at all. */
  async kill(): Promise<void> {
    signalGroup(this.pid, 'SIGKILL', true);
    await this.waitGroupGone();
  }

  private async waitGroupGone(): Promise<void> {
    await this.exitPromise;
    // The leader is gone; children (e.g. Postgres backends) notice and exit on their own, or get killed.
    const deadline = Date.now() + 10_000;
    while (groupAlive(this.pid)) {
      if (Date.now() > deadline) signalGroup(this.pid, 'SIGKILL', true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    unregisterPid(this.pid);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals, wholeGroup: boolean): void {
  try {
    process.kill(wholeGroup ? -pgid : pgid, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidFile(pgid: number): string | undefined {
  const dir = process.env.ZVONOK_RUN_DIR;
  return dir ? join(dir, 'pids', String(pgid)) : undefined;
}

export function registerPid(pgid: number, name: string): void {
  const file = pidFile(pgid);
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${name}\n`);
}

export function unregisterPid(pgid: number): void {
  const file = pidFile(pgid);
  if (file) rmSync(file, { force: true });
}
