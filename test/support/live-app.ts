import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { io as connectSocket, type Socket } from 'socket.io-client';
import { type DataSource } from 'typeorm';

import { type ClientToServerEvents, type ServerToClientEvents } from '@contracts/socket-events';
import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { AmiConnection } from '@telephony/ami/ami-connection';
import { type AmiEvent } from '@telephony/ami/ami-message';
import { type Realtime } from '@server/modules/realtime/realtime.types';
import { type AppServices } from '@server/services';
import { amiConfigFromEnv, ASTERISK_ROOT } from '@test/support/ami-live';
import { startTestNode, testConfig } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

const execFileAsync = promisify(execFile);

/**
 * The whole server as main.ts composes it, minus the process: composeNode with the AMI provider on the live
 * Asterisk, the call pipeline, Socket.IO realtime, agent states and the wallboard.
 */
export interface LiveApp {
  baseUrl: string;
  dataSource: DataSource;
  services: AppServices;
  provider: TelephonyProvider;
  realtime: Realtime;
  close(): Promise<void>;
}

export interface LiveAppOptions {
  wrapUpSeconds?: number;
  /** Provision per-user SIP secrets into this pjsip include of the live Asterisk (PJSIP_AUTH_FILE in main.ts). */
  pjsipAuthFile?: string;
}

export async function startLiveApp(options: LiveAppOptions = {}): Promise<LiveApp> {
  const ami = amiConfigFromEnv();
  const base = testConfig();
  // With an auth file, the adapter is the one the configuration builds (it provisions the secrets, as in production).
  const app = await startTestNode(
    {
      wrapUpSeconds: options.wrapUpSeconds ?? 0,
      telephony: {
        ...base.telephony,
        provider: 'ami',
        ami: { host: ami.host, port: ami.port, user: ami.user, secret: ami.secret },
      },
      sipSecrets: { ...base.sipSecrets, pjsipAuthFile: options.pjsipAuthFile },
    },
    options.pjsipAuthFile ? { provider: undefined } : { provider: createTelephonyProvider(ami) },
  );
  const provider = app.node.provider!;
  await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000, intervalMs: 50 });
  return {
    baseUrl: app.baseUrl,
    dataSource: app.dataSource,
    services: app.services,
    provider,
    realtime: app.node.realtime,
    close: () => app.close(),
  };
}

/** A plain AMI session on the live PBX to look at what Asterisk really did (channels, queue members, DTMF). */
export class AmiProbe {
  readonly events: AmiEvent[] = [];
  private readonly connection: AmiConnection;

  constructor() {
    const c = amiConfigFromEnv();
    this.connection = new AmiConnection({ host: c.host, port: c.port, user: c.user, secret: c.secret });
    this.connection.on('event', (ev) => this.events.push(ev));
  }

  async start(): Promise<void> {
    await this.connection.start();
    await waitFor(async () => this.connection.getState() === 'connected', { what: 'AMI probe', timeoutMs: 10_000 });
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  async channels(): Promise<Record<string, string>[]> {
    const { events } = await this.connection.actionList({ action: 'CoreShowChannels' });
    return events.map((e) => e.fields);
  }

  async queueMembers(queue: string): Promise<Record<string, string>[]> {
    const { events } = await this.connection.actionList({ action: 'QueueStatus', queue });
    return events.filter((e) => e.event === 'QueueMember').map((e) => e.fields);
  }

  async hangup(channel: string): Promise<void> {
    await this.connection.action({ action: 'Hangup', channel });
  }

  /** Reloads one module's configuration (`res_pjsip.so` after editing the pjsip include). */
  async reload(module: string): Promise<void> {
    await this.connection.action({ action: 'Reload', module });
  }

  /** A pause made on the PBX, not by Zvonok (as a desk phone's feature code or Asterisk's autopause make one). */
  async queuePause(iface: string, paused: boolean, reason?: string): Promise<void> {
    await this.connection.action({
      action: 'QueuePause',
      interface: iface,
      paused: paused ? 'true' : 'false',
      ...(reason ? { reason } : {}),
    });
  }
}

/** Asterisk's own CLI (through the chroot), for what AMI does not list. */
export async function asteriskCli(command: string): Promise<string> {
  const { stdout } = await execFileAsync('chroot', [ASTERISK_ROOT, '/usr/sbin/asterisk', '-rx', command]);
  return stdout;
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io-client logged in with the session cookie of an ApiClient. */
export function openSocket(baseUrl: string, cookie: string | undefined): Promise<TestSocket> {
  const socket: TestSocket = connectSocket(baseUrl, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}
