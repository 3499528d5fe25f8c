import { execFile } from 'node:child_process';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { promisify } from 'node:util';

import { pino } from 'pino';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { type DataSource } from 'typeorm';

import { type ClientToServerEvents, type ServerToClientEvents } from '@contracts/socket-events';
import { createTelephonyProvider, type CallEvent, type TelephonyProvider } from '@telephony';
import { AmiConnection } from '@telephony/ami/ami-connection';
import { type AmiEvent } from '@telephony/ami/ami-message';
import { type AppServices, createApp } from '@server/app';
import { createDatabase, type Database } from '@server/db/data-source';
import { startCallPipeline, type CallPipeline } from '@server/modules/calls/call-pipeline';
import { createRealtime, type Realtime } from '@server/modules/realtime/realtime.server';
import { SipSecretCipher } from '@server/modules/sip-secrets/sip-secret-cipher';
import { SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
import { amiConfigFromEnv, ASTERISK_ROOT } from '@test/support/ami-live';
import { requireDatabaseUrl, TEST_APP_CONFIG, TEST_SIP_SECRETS_KEY } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

const execFileAsync = promisify(execFile);

/**
 * The whole server as main.ts wires it, minus the process: the real app with the AMI provider on the live Asterisk,
 * the call pipeline (events → calls table → reactions), Socket.IO realtime, agent states and the wallboard.
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
  const database: Database = await createDatabase({
    databaseUrl: requireDatabaseUrl(),
    dataDir: 'unused-with-database-url',
  });
  const { dataSource } = database;
  await dataSource.initialize();
  const logger = pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' });
  const sipCredentials = new SipSecretsService(dataSource, new SipSecretCipher(TEST_SIP_SECRETS_KEY), logger);
  const provider = createTelephonyProvider({
    ...amiConfigFromEnv(),
    ...(options.pjsipAuthFile
      ? { pjsipAuth: { file: options.pjsipAuthFile, credentials: () => sipCredentials.credentials() } }
      : {}),
  });
  const { app, services } = createApp({
    config: { ...TEST_APP_CONFIG, wrapUpSeconds: options.wrapUpSeconds ?? 0 },
    dataSource,
    logger,
    telephony: provider,
  });
  const server = http.createServer(app);
  const realtime = createRealtime({
    httpServer: server,
    auth: services.auth,
    liveCalls: services.liveCalls,
    logger,
    trustedOrigins: [],
  });
  services.agents.attachRealtime(realtime);
  services.wallboard.attachRealtime(realtime);
  services.agents.start();
  const pipeline: CallPipeline = await startCallPipeline({
    dataSource,
    logger,
    provider,
    reactions: [(event: CallEvent) => services.agents.onCallEvent(event), async () => services.wallboard.refreshSoon()],
  });
  await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000, intervalMs: 50 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataSource,
    services,
    provider,
    realtime,
    close: async () => {
      services.agents.stop();
      services.wallboard.stop();
      await realtime.close();
      await pipeline.stop();
      await database.close();
    },
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
