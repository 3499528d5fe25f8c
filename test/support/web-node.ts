import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { Redis } from 'ioredis';
import { pino } from 'pino';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { type DataSource } from 'typeorm';

import { type ClientToServerEvents, type ServerToClientEvents } from '@contracts/socket-events';
import { type TelephonyProvider } from '@telephony';
import { type AppServices, createApp } from '@server/app';
import { createDatabase } from '@server/db/data-source';
import { startCallPipeline, type CallPipeline, type CallReaction } from '@server/modules/calls/call-pipeline';
import { createScreenPopReactions } from '@server/modules/calls/pop.reaction';
import { createRealtime, type Realtime } from '@server/modules/realtime/realtime.server';
import { ApiClient } from '@test/support/api-client';
import { requireDatabaseUrl, TEST_APP_CONFIG, TEST_PASSWORD } from '@test/support/api-server';

/**
 * One web node as main.ts composes it — express app, Socket.IO (redis-streams adapter when `redis`), the call
 * pipeline consuming the bus with the screen-pop reactions — on its own database pool and a random port.
 */
export interface WebNode {
  name: string;
  baseUrl: string;
  dataSource: DataSource;
  services: AppServices;
  realtime: Realtime;
  pipeline: CallPipeline;
  close(): Promise<void>;
}

export interface WebNodeOptions {
  name: string;
  /** Share one Redis (bus + socket adapter) between nodes; false → in-process bus and adapter. */
  redis: boolean;
  provider?: TelephonyProvider | null;
  queueDefaultOwner?: string;
  /** Reactions main.ts adds besides the screen pop (recordings, callbacks…), run after it. */
  extraReactions?: CallReaction[];
  /** SOCKET_SESSION_RECHECK_SECONDS and SOCKETS_PER_SESSION, in the units createRealtime takes. */
  sessionRecheckMs?: number;
  maxSocketsPerSession?: number;
  /** Collect every log line (level debug) here instead of the usual silent logger. */
  logLines?: string[];
}

export async function startWebNode(options: WebNodeOptions): Promise<WebNode> {
  const lines = options.logLines;
  const logger = (
    lines
      ? pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
      : pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' })
  ).child({ node: options.name });
  const database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
  const { dataSource } = database;
  await dataSource.initialize();
  const { app, services } = createApp({ config: TEST_APP_CONFIG, dataSource, logger });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redis = options.redis ? new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }) : undefined;
  const realtime = createRealtime({
    httpServer: server,
    auth: services.auth,
    liveCalls: services.liveCalls,
    logger,
    trustedOrigins: [],
    redis,
    ...(options.sessionRecheckMs ? { sessionRecheckMs: options.sessionRecheckMs } : {}),
    ...(options.maxSocketsPerSession ? { maxSocketsPerSession: options.maxSocketsPerSession } : {}),
  });
  const reactions = createScreenPopReactions({
    dataSource,
    realtime,
    leads: services.leads,
    defaultCountry: 'RU',
    logger,
    queueDefaultOwner: options.queueDefaultOwner,
  });
  const pipeline = await startCallPipeline({
    dataSource,
    logger,
    redis,
    provider: options.provider ?? null,
    reactions: [...reactions, ...(options.extraReactions ?? [])],
    consumerName: `${options.name}-${Math.random().toString(36).slice(2, 8)}`,
  });
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    name: options.name,
    baseUrl: `http://127.0.0.1:${port}`,
    dataSource,
    services,
    realtime,
    pipeline,
    close: async () => {
      if (closed) return;
      closed = true;
      await pipeline.stop();
      await realtime.close();
      await redis?.quit();
      await database.close();
    },
  };
}

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Received {
  event: string;
  payload: any;
  at: number;
}

/** Logs in over REST and opens a socket with the session cookie, recording every event it receives. */
export async function connectOperator(
  baseUrl: string,
  login: string,
): Promise<{ socket: ClientSocket; received: Received[]; api: ApiClient }> {
  const api = new ApiClient(baseUrl);
  await api.login(login, TEST_PASSWORD);
  const socket = await openSocket(baseUrl, api.cookie);
  const received: Received[] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload, at: Date.now() }));
  return { socket, received, api };
}

export function openSocket(baseUrl: string, cookie: string | undefined, origin?: string): Promise<ClientSocket> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  const socket: ClientSocket = connectSocket(baseUrl, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}
