import { type Server as HttpServer } from 'node:http';

import { createAdapter } from '@socket.io/redis-streams-adapter';
import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { Server } from 'socket.io';

import { type UserDto } from '@contracts/dto/user';
import {
  type ClientToServerEvents,
  type LiveCallDto,
  type ServerToClientEvents,
  type SocketData,
} from '@contracts/socket-events';
import { isTrustedHost, LOOPBACK_ONLY, type TrustedHosts } from '@server/common/http/trusted-hosts';
import { type AuthService } from '@server/modules/auth/auth.service';
import { authenticateSocketHandshake } from '@server/modules/auth/socket-auth';

import { isAllowedOrigin } from './socket-origin';

export type ZvonokServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
export type Role = SocketData['role'];

/** What the socket layer needs from the live-calls module (the same data as GET /api/calls/active). */
export interface LiveCallsSource {
  listActive(viewer: Pick<UserDto, 'id' | 'role'>): Promise<LiveCallDto[]>;
}

export interface RealtimeDeps {
  httpServer: HttpServer;
  auth: AuthService;
  liveCalls: LiveCallsSource;
  logger: Logger;
  /** Origins besides the server's own that may open a socket (TRUSTED_ORIGINS, as for REST CORS). */
  trustedOrigins: string[];
  /** The Host headers served (PUBLIC_URL, TRUSTED_ORIGINS, loopback outside production); absent → loopback only. */
  trustedHosts?: TrustedHosts;
  /** With Redis every web node sees every room (redis-streams adapter), so any node can serve any operator. */
  redis?: Redis;
  /** How long a dropped socket's rooms and missed events are kept for it (connection-state recovery). */
  recoveryMs?: number;
}

export interface Realtime {
  io: ZvonokServer;
  emitToUser<E extends ServerEventName>(userId: string, event: E, payload: ServerEventPayload<E>): void;
  emitToRole<E extends ServerEventName>(role: Role, event: E, payload: ServerEventPayload<E>): void;
  emitToCall<E extends ServerEventName>(callId: string, event: E, payload: ServerEventPayload<E>): void;
  /** One emit to the union of rooms, so a socket in several of them gets the event once. */
  emitTo<E extends ServerEventName>(rooms: string[], event: E, payload: ServerEventPayload<E>): void;
  /** Joins every socket of the user, on any node, to `call:<callId>`. */
  joinUserToCall(userId: string, callId: string): void;
  close(): Promise<void>;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const roleRoom = (role: Role) => `role:${role}`;
export const callRoom = (callId: string) => `call:${callId}`;

/** The connect_error message a refused handshake carries (the client maps it to "log in again"). */
export const UNAUTHORIZED = 'UNAUTHORIZED';

class HandshakeError extends Error {
  readonly data: { code: string; message: string };
  constructor(code: string, message: string) {
    super(code);
    this.data = { code, message };
  }
}

/** Socket.IO on the app's http server, typed by contracts/socket-events.ts and authenticated by the session cookie. */
export function createRealtime(deps: RealtimeDeps): Realtime {
  const { logger } = deps;
  const io: ZvonokServer = new Server(deps.httpServer, {
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: deps.recoveryMs ?? 2 * 60_000, skipMiddlewares: false },
    // The cookie is the credential, so a browser on a foreign origin must not even start the handshake.
    // A foreign Host is a DNS-rebound page, whose Origin matches its own Host: refuse that first.
    allowRequest: (req, callback) => {
      if (!isTrustedHost(req.headers.host, deps.trustedHosts ?? LOOPBACK_ONLY))
        return callback('host not allowed', false);
      const ok = isAllowedOrigin(req.headers.origin, req.headers.host, deps.trustedOrigins);
      callback(ok ? null : 'origin not allowed', ok);
    },
    ...(deps.trustedOrigins.length ? { cors: { origin: deps.trustedOrigins, credentials: true } } : {}),
    ...(deps.redis
      ? { adapter: createAdapter(deps.redis, { streamName: 'zvonok:socket.io', blockTimeInMs: 1_000 }) }
      : {}),
  });

  io.use((socket, next) => {
    authenticateSocketHandshake(deps.auth, socket.handshake.headers.cookie)
      .then((user) => {
        if (!user) return next(new HandshakeError(UNAUTHORIZED, 'log in first: no valid zv_session cookie'));
        socket.data = { userId: user.id, role: user.role, extension: user.extension };
        next();
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'socket handshake authentication failed');
        next(new HandshakeError('INTERNAL', 'authentication is unavailable'));
      });
  });

  io.on('connection', (socket) => {
    const { userId, role } = socket.data;
    void socket.join([userRoom(userId), roleRoom(role)]);
    // A fresh connection (not a recovered one) has lost its call rooms: rejoin the calls still live for the user,
    // so answer/transfer/end keep reaching the card the client restores from the REST resync.
    if (!socket.recovered) {
      deps.liveCalls
        .listActive({ id: userId, role })
        .then((calls) => socket.join(calls.map((c) => callRoom(c.id))))
        .catch((err: unknown) => logger.warn({ err, userId }, 'could not rejoin live call rooms'));
    }
    socket.on('calls:active', (ack) => {
      if (typeof ack !== 'function') return;
      deps.liveCalls
        .listActive({ id: userId, role })
        .then((data) => ack({ ok: true, data }))
        .catch((err: unknown) => {
          logger.error({ err, userId }, 'calls:active failed');
          ack({ ok: false, error: { code: 'INTERNAL', message: 'could not list live calls' } });
        });
    });
  });

  const emitTo = <E extends ServerEventName>(rooms: string[], event: E, payload: ServerEventPayload<E>) => {
    const args = [payload] as Parameters<ServerToClientEvents[E]>;
    io.to(rooms).emit(event, ...args);
  };

  return {
    io,
    emitTo,
    emitToUser: (userId, event, payload) => emitTo([userRoom(userId)], event, payload),
    emitToRole: (role, event, payload) => emitTo([roleRoom(role)], event, payload),
    emitToCall: (callId, event, payload) => emitTo([callRoom(callId)], event, payload),
    joinUserToCall: (userId, callId) => io.in(userRoom(userId)).socketsJoin(callRoom(callId)),
    close: () =>
      new Promise<void>((resolve) => {
        // io.close() also closes the http server; its callback waits for open keep-alive connections, so end them.
        void io.close(() => resolve());
        deps.httpServer.closeAllConnections();
      }),
  };
}
