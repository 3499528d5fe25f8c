import { type AuthService, type SessionOwner } from '@server/modules/auth/auth.service';

/**
 * Socket.IO handshake authentication by the `zv_session` cookie (the same session as REST).
 * Usage in the realtime module: `io.use(async (socket, next) => { const user = await
 * authenticateSocketHandshake(auth, socket.handshake.headers.cookie); ... })`.
 */
export function authenticateSocketHandshake(
  auth: AuthService,
  cookieHeader: string | undefined,
): Promise<SessionOwner | null> {
  return auth.authenticateSocketHandshake(cookieHeader);
}
