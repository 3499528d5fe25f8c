import { type Server as HttpServer } from 'node:http';

import { createAdapter } from '@socket.io/redis-streams-adapter';
import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { Server } from 'socket.io';

import { type UserDto } from '@contracts/dto/user';
import { type LiveCallDto, type ServerToClientEvents } from '@contracts/socket-events';
import { isTrustedHost, LOOPBACK_ONLY, type TrustedHosts } from '@server/common/http/trusted-hosts';
import { type AuthService } from '@server/modules/auth/auth.service';

import {
  callRoom,
  type Realtime,
  roleRoom,
  type ServerEventName,
  type ServerEventPayload,
  sessionRoom,
  userRoom,
  type ZvonokServer,
} from '@server/modules/realtime/realtime.types';

import { isAllowedOrigin } from './socket-origin';

/** What the socket layer needs from the live-calls module (the same data as GET /api/calls/active). */
export interface LiveCallsSource {
  listActive(viewer: Pick<UserDto, 'id' | 'role'> & { teamScope?: readonly string[] }): Promise<LiveCallDto[]>;
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
  /**
   * How often this node checks that the session behind each of its sockets still exists, with the same role.
   * Revocations are pushed at once (`AuthService.onRevoked` through the adapter); this catches what a push missed
   * (Redis down, a session row deleted by hand or expired). Default 60 s.
   */
  sessionRecheckMs?: number;
  /** Sockets one session may hold open on this node; one more handshake is refused (TOO_MANY_SOCKETS). Default 10. */
  maxSocketsPerSession?: number;
}

/** The connect_error message a refused handshake carries (the client maps it to "log in again"). */
export const UNAUTHORIZED = 'UNAUTHORIZED';
/** The connect_error message when the session already has as many sockets open on this node as it may. */
export const TOO_MANY_SOCKETS = 'TOO_MANY_SOCKETS';

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

  // Sockets per session on this node, counted when the handshake is accepted (not at 'connection'), so a burst of
  // concurrent handshakes cannot all pass the check before any of them is counted.
  const maxPerSession = deps.maxSocketsPerSession ?? 10;
  const openBySession = new Map<string, Set<string>>();
  const release = (sessionId: string, socketId: string) => {
    const open = openBySession.get(sessionId);
    open?.delete(socketId);
    if (open?.size === 0) openBySession.delete(sessionId);
  };

  io.use((socket, next) => {
    deps.auth
      .authenticateSocketHandshake(socket.handshake.headers.cookie)
      .then((owner) => {
        if (!owner) return next(new HandshakeError(UNAUTHORIZED, 'log in first: no valid zv_session cookie'));
        const { sessionId, user } = owner;
        const open = openBySession.get(sessionId) ?? new Set<string>();
        if (open.size >= maxPerSession) {
          return next(
            new HandshakeError(
              TOO_MANY_SOCKETS,
              `this session already has ${maxPerSession} open connections here; close a tab or sign in again`,
            ),
          );
        }
        open.add(socket.id);
        openBySession.set(sessionId, open);
        // Released however the socket goes: closed tab, dropped transport, revocation.
        socket.once('disconnect', () => release(sessionId, socket.id));
        socket.data = {
          userId: user.id,
          sessionId,
          role: user.role,
          extension: user.extension,
          ...(user.teamScope ? { teamScope: [...user.teamScope] } : {}),
        };
        next();
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'socket handshake authentication failed');
        next(new HandshakeError('INTERNAL', 'authentication is unavailable'));
      });
  });

  io.on('connection', (socket) => {
    const { userId, role, sessionId, teamScope } = socket.data;
    void socket.join([userRoom(userId), roleRoom(role), sessionRoom(sessionId)]);
    // A fresh connection (not a recovered one) has lost its call rooms: rejoin the calls still live for the user,
    // so answer/transfer/end keep reaching the card the client restores from the REST resync.
    if (!socket.recovered) {
      deps.liveCalls
        .listActive({ id: userId, role, teamScope })
        .then((calls) => socket.join(calls.map((c) => callRoom(c.id))))
        .catch((err: unknown) => logger.warn({ err, userId }, 'could not rejoin live call rooms'));
    }
    socket.on('calls:active', (ack) => {
      if (typeof ack !== 'function') return;
      deps.liveCalls
        .listActive({ id: userId, role, teamScope })
        .then((data) => ack({ ok: true, data }))
        .catch((err: unknown) => {
          logger.error({ err, userId }, 'calls:active failed');
          ack({ ok: false, error: { code: 'INTERNAL', message: 'could not list live calls' } });
        });
    });
  });

  // A logout, deactivation or role change on any node closes the sockets on every node (the adapter carries it).
  const stopRevocations = deps.auth.onRevoked((revocation) => {
    const room = 'sessionId' in revocation ? sessionRoom(revocation.sessionId) : userRoom(revocation.userId);
    io.in(room).disconnectSockets(true);
  });

  const recheck = async () => {
    const sockets = [...io.of('/').sockets.values()];
    if (sockets.length === 0) return;
    const live = await deps.auth.liveSessions([...new Set(sockets.map((s) => s.data.sessionId))]);
    for (const socket of sockets) {
      if (live.get(socket.data.sessionId) !== socket.data.role) socket.disconnect(true);
    }
  };
  const recheckTimer = setInterval(() => {
    recheck().catch((err: unknown) => logger.warn({ err }, 'socket session recheck failed'));
  }, deps.sessionRecheckMs ?? 60_000);
  recheckTimer.unref();

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
        clearInterval(recheckTimer);
        stopRevocations();
        // io.close() also closes the http server; its callback waits for open keep-alive connections, so end them.
        void io.close(() => resolve());
        deps.httpServer.closeAllConnections();
      }),
  };
}
