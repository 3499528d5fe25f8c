import { spawn, type ChildProcess, type SpawnOptionsWithStdioTuple } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

/** Folder holding the scenarios (uac-<case>-expect-<code>.xml, uas-*.xml). */
export const SIPP_DIR = fileURLToPath(new URL('../sipp/', import.meta.url));

/** Source port of the carrier: Asterisk identifies endpoint `trunk` by 127.0.0.1:5090 (see pjsip.conf). */
export const TRUNK_PORT = 5090;

/** Static contact port of each phone in the reference profile; a UAS on that port "is" the phone. */
export const PHONE_PORTS: Readonly<Record<string, number>> = {
  '1001': 5071,
  '1002': 5072,
  '1003': 5073,
  '1004': 5074,
  '1901': 5091,
};

export interface SippOptions {
  /** Request-URI user of the first INVITE (`-s`), e.g. the DID 7000. */
  service?: string;
  /** Local SIP port (`-p`); defaults to the carrier port so Asterisk sees the call coming from the trunk. */
  localPort?: number;
  /** Asterisk address. */
  remote?: string;
  /** Total calls (`-m`), default 1. */
  calls?: number;
  /** Concurrent calls cap (`-l`). */
  limit?: number;
  /** Calls per second (`-r`). */
  rate?: number;
  /** Kill sipp after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
  extraArgs?: readonly string[];
  /** Kills sipp when aborted (a failed test's phone must not hold its port for the next one). */
  signal?: AbortSignal;
  /** Only these CPUs (a taskset list): the pop bench keeps the callers on the PBX's core. */
  cpus?: string;
  /**
   * A session of its own, hence a scheduling group (autogroup) of its own: the pop bench keeps the callers' hundreds
   * of audio threads out of the node's group, as they would be on a machine where they are other people's phones.
   */
  ownSession?: boolean;
}

export interface SippResult {
  /** sipp exit code: 0 all calls succeeded, 1 some failed, 97/99/-1/-2 see sipp(1); null when killed. */
  code: number | null;
  timedOut: boolean;
  successful: number;
  failed: number;
  stdout: string;
  stderr: string;
}

const counter = (screen: string, name: string): number => {
  const matches = [...screen.matchAll(new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
  return Number(matches.at(-1)?.[1] ?? 0);
};

/** Runs a scenario from test/sipp to completion (or timeout) and reports sipp's own verdict. */
export function runSipp(scenario: string, options: SippOptions = {}): Promise<SippResult> {
  const args = [
    '-sf',
    `${SIPP_DIR}${scenario}`,
    '-i',
    '127.0.0.1',
    '-p',
    String(options.localPort ?? TRUNK_PORT),
    '-m',
    String(options.calls ?? 1),
    ...(options.service ? ['-s', options.service] : []),
    ...(options.limit ? ['-l', String(options.limit)] : []),
    ...(options.rate ? ['-r', String(options.rate)] : []),
    '-nostdin',
    ...(options.extraArgs ?? []),
    options.remote ?? '127.0.0.1:5060',
  ];
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'> = {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.ownSession ?? false,
    };
    const child = options.cpus
      ? spawn('taskset', ['-c', options.cpus, 'sipp', ...args], spawnOptions)
      : spawn('sipp', args, spawnOptions);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    options.signal?.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        timedOut,
        successful: counter(stdout, 'Successful call'),
        failed: counter(stdout, 'Failed call'),
        stdout,
        stderr,
      });
    });
  });
}

export interface Phone {
  extension: string;
  port: number;
  /** Stops the UAS; resolves once the process is gone. */
  stop(): Promise<void>;
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** Waits until something is bound to the UDP port (sipp binds before it reads the scenario's first message). */
async function waitForUdpBound(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await udpPortFree(port))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sipp UAS did not bind 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Plugs in a phone of the reference profile: a sipp UAS on the extension's static contact port, answering
 * (or ringing, or busy: pass uas-operator-ring.xml / uas-operator-busy.xml) every call it receives.
 */
export async function startOperatorPhone(
  extension: string,
  scenario = 'uas-operator-answer.xml',
  extraArgs: readonly string[] = [],
  placement: Pick<SippOptions, 'ownSession'> = {},
): Promise<Phone> {
  const port = PHONE_PORTS[extension];
  if (port === undefined) throw new Error(`no phone port for extension ${extension}`);
  return startUas(scenario, port, extension, extraArgs, placement);
}

/** Starts any UAS scenario on a port (e.g. uas-outside-answer.xml on TRUNK_PORT for click-to-call). */
export async function startUas(
  scenario: string,
  port: number,
  extension = String(port),
  extraArgs: readonly string[] = [],
  placement: Pick<SippOptions, 'ownSession'> = {},
): Promise<Phone> {
  // Otherwise a stray phone on the port would answer in our place while our sipp dies on "address in use".
  if (!(await udpPortFree(port)))
    throw new Error(`UDP 127.0.0.1:${port} is already taken (another sipp still running?)`);
  const child: ChildProcess = spawn(
    'sipp',
    [
      '-sf',
      `${SIPP_DIR}${scenario}`,
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-nostdin',
      ...extraArgs,
      '127.0.0.1:5060',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: placement.ownSession ?? false },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForUdpBound(port, 5000),
      exited.then(() => {
        throw new Error(`sipp UAS on ${port} exited: ${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    extension,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // A sipp busy in a call (or starved on a loaded machine) may not act on SIGTERM; a phone left on its port
      // would take the next suite's calls.
      const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
