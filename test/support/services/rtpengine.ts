import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'rtpengine-client';

import { waitFor } from '@test/support/services/ports';
import { ServiceProcess, makeServiceDir, removeServiceDir } from '@test/support/services/service-process';

/** rtpengine's control (ng, UDP) and media ports on loopback; clear of Asterisk's RTP range (10000–20000). */
export interface RtpenginePorts {
  host: string;
  ngPort: number;
  portMin: number;
  portMax: number;
}

export const RTPENGINE: RtpenginePorts = { host: '127.0.0.1', ngPort: 22222, portMin: 30000, portMax: 30999 };

export interface RtpengineService {
  /** Where rtpengine writes `pcaps/` and `metadata/` (the `pcap` recording method). */
  readonly recordingDir: string;
  logTail(lines?: number): string;
  /** SIGKILL: a crash. `restart()` brings it back (with no calls: rtpengine keeps them in memory only). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's rtpengine in userspace only (`--table=-1`: no kernel module here), so every packet passes the daemon
 * and the `pcap` recording method sees it. No config file (`none`), so /etc/rtpengine is never read.
 */
export async function startRtpengine(ports: RtpenginePorts = RTPENGINE): Promise<RtpengineService> {
  const binary = process.env.ZVONOK_RTPENGINE ?? 'rtpengine';
  const dir = makeServiceDir('rtpengine');
  const recordingDir = join(dir, 'recordings');
  mkdirSync(recordingDir);
  const logFile = join(dir, 'rtpengine.log');
  const args = [
    '--config-file=none',
    '--foreground',
    '--log-stderr',
    '--log-level=5',
    '--table=-1',
    `--interface=${ports.host}`,
    `--listen-ng=${ports.host}:${ports.ngPort}`,
    `--port-min=${ports.portMin}`,
    `--port-max=${ports.portMax}`,
    `--recording-dir=${recordingDir}`,
    '--recording-method=pcap',
    '--recording-format=raw',
    '--delete-delay=0',
  ];
  let server: ServiceProcess | undefined;
  const launch = async () => {
    const proc = new ServiceProcess('rtpengine', binary, args, { cwd: dir, logFile });
    server = proc;
    await waitFor(() => ping(ports), {
      what: `rtpengine ng on ${ports.host}:${ports.ngPort}`,
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
    recordingDir,
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

async function ping(ports: RtpenginePorts): Promise<boolean> {
  const client = new Client({ timeout: 500 });
  try {
    const res = await client.ping(ports.ngPort, ports.host);
    return res.result === 'pong';
  } finally {
    client.close();
  }
}
