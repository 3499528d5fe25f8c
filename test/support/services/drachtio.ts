import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { isPortOpen, waitFor } from '@test/support/services/ports';
import { ServiceProcess, makeServiceDir, removeServiceDir } from '@test/support/services/service-process';

const execFileAsync = promisify(execFile);

export interface DrachtioPorts {
  host: string;
  adminPort: number;
  secret: string;
  sipPort: number;
  wsPort: number;
}

/**
 * The SIP front's ports on loopback: none of Asterisk's (5060 SIP, 5038 AMI, 8088 WS) nor the sipp phones'
 * (5071–5074, 5091) or the carrier's (5090), so the AMI and SIP suites can share one machine.
 */
export const DRACHTIO: DrachtioPorts = {
  host: '127.0.0.1',
  adminPort: 9022,
  secret: 'cymru',
  /** SIP over UDP and TCP: the trunk (sipp) sends its INVITEs here, desk phones REGISTER here. */
  sipPort: 5080,
  /** SIP over WebSocket for the JsSIP softphone. */
  wsPort: 8089,
};

export interface DrachtioService {
  readonly binary: string;
  logTail(lines?: number): string;
  /** SIGKILL: a crash; `restart()` brings it back on the same ports. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where the provisioning script put (or now puts) the drachtio-server binary: built once per machine from the
 * vendored source tarball (test/sip/provision-drachtio.sh). Rejects with the script's own message — how to get
 * the source — when the tarball is missing.
 */
export async function drachtioBinary(repoRoot: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync('bash', [join(repoRoot, 'test/sip/provision-drachtio.sh')], {
      timeout: 40 * 60_000,
      maxBuffer: 1 << 20,
    });
    return stdout.trim().split('\n').pop() ?? '';
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error((stderr ?? '').trim() || String(error), { cause: error });
  }
}

function config(ports: DrachtioPorts): string {
  const { host, adminPort, secret, sipPort, wsPort } = ports;
  return `<drachtio>
  <admin port="${adminPort}" secret="${secret}">${host}</admin>
  <sip>
    <contacts>
      <contact>sip:${host}:${sipPort};transport=udp,tcp</contact>
      <contact>sip:${host}:${wsPort};transport=ws</contact>
    </contacts>
  </sip>
  <cdrs>true</cdrs>
  <logging><console/><loglevel>info</loglevel><sofia-loglevel>3</sofia-loglevel></logging>
</drachtio>
`;
}

/**
 * drachtio-server in the foreground on loopback, with CDRs (the provider closes calls from them). The global setup
 * runs one on the ports above; a fault test may run its own on others.
 */
export async function startDrachtio(binary: string, ports: DrachtioPorts = DRACHTIO): Promise<DrachtioService> {
  if (await isPortOpen(ports.adminPort, ports.host))
    throw new Error(`${ports.host}:${ports.adminPort} is taken: another drachtio-server still running?`);
  const dir = makeServiceDir('drachtio');
  const conf = join(dir, 'drachtio.conf.xml');
  const logFile = join(dir, 'drachtio.log');
  writeFileSync(conf, config(ports));
  let server: ServiceProcess | undefined;

  const launch = async () => {
    const proc = new ServiceProcess('drachtio', binary, ['-f', conf], { cwd: dir, logFile });
    server = proc;
    await waitFor(() => isPortOpen(ports.adminPort, ports.host), {
      what: `drachtio-server admin port ${ports.adminPort}`,
      abort: () => (proc.exitReason() ? `${proc.exitReason()}\n${proc.logTail()}` : undefined),
    });
  };
  const cleanup = async () => {
    await server?.terminate('SIGTERM');
    removeServiceDir(dir);
  };
  try {
    await launch();
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    binary,
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
}
