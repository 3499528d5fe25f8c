import { type Socket, io as connectSocket } from 'socket.io-client';
import { pino } from 'pino';
import { type DataSource } from 'typeorm';

import { type ClientToServerEvents, type ServerToClientEvents } from '@contracts/socket-events';
import { type TelephonyProvider } from '@telephony';
import { type CallReaction } from '@server/common/calls/call-change';
import { type NodeOverrides, type ZvonokNode } from '@server/compose-node';
import { type Config } from '@server/config/env';
import { type AppServices } from '@server/services';
import { ApiClient } from '@test/support/api-client';
import { startTestNode, testConfig, TEST_PASSWORD } from '@test/support/api-server';
import { connectRedis } from '@server/common/redis/connect-redis';

/**
 * One web node as main.ts composes it (composeNode): express app, Socket.IO (redis-streams adapter when `redis`),
 * the call pipeline consuming its partitions of the bus, on its own database pool and a random port.
 */
export interface WebNode {
  name: string;
  baseUrl: string;
  dataSource: DataSource;
  services: AppServices;
  node: ZvonokNode;
  close(): Promise<void>;
}

export interface WebNodeOptions {
  name: string;
  /** Share one Redis (bus + socket adapter) between nodes; false → in-process bus and adapter. */
  redis: boolean;
  provider?: TelephonyProvider | null;
  queueDefaultOwner?: string;
  /** Reactions after the built-in ones. */
  extraReactions?: CallReaction[];
  config?: Partial<Config>;
  /** Bus timing and naming (a short lease lets a dead node's calls move within a test). */
  bus?: NodeOverrides['bus'];
  consume?: boolean;
  /** SOCKET_SESSION_RECHECK_SECONDS and SOCKETS_PER_SESSION, in milliseconds and sockets. */
  sessionRecheckMs?: number;
  maxSocketsPerSession?: number;
  /** Collect every log line (level debug) here instead of the usual silent logger. */
  logLines?: string[];
}

export async function startWebNode(options: WebNodeOptions): Promise<WebNode> {
  const redis = options.redis ? connectRedis(process.env.REDIS_URL!) : null;
  const lines = options.logLines;
  const base = testConfig();
  const app = await startTestNode(
    {
      queueDefaultOwner: options.queueDefaultOwner,
      sockets: {
        sessionRecheckMs: options.sessionRecheckMs ?? base.sockets.sessionRecheckMs,
        perSession: options.maxSocketsPerSession ?? base.sockets.perSession,
      },
      ...options.config,
    },
    {
      name: options.name,
      ...(lines ? { logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }) } : {}),
      redis,
      provider: options.provider ?? null,
      extraReactions: options.extraReactions,
      bus: { nodeId: `${options.name}-${Math.random().toString(36).slice(2, 8)}`, ...options.bus },
      consume: options.consume,
    },
  );
  let closed = false;
  return {
    name: options.name,
    baseUrl: app.baseUrl,
    dataSource: app.dataSource,
    services: app.services,
    node: app.node,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await redis?.quit();
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
