import { type ClientSocket, openSocket } from '@test/support/web-node';

/** Resolves with the disconnect reason once the server closes `socket`; fails naming `what` if it never does. */
export function closedByServer(socket: ClientSocket, what: string, timeoutMs = 10_000): Promise<string> {
  if (!socket.connected) return Promise.reject(new Error(`${what}: the socket was not connected to begin with`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what}: the socket is still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** The refusal of a handshake (`connect_error`): its message and `data`; throws if the socket connected instead. */
export async function refusedHandshake(
  baseUrl: string,
  cookie: string | undefined,
): Promise<{ message: string; data: unknown }> {
  try {
    const socket = await openSocket(baseUrl, cookie);
    socket.close();
  } catch (error) {
    const err = error as Error & { data?: unknown };
    return { message: err.message, data: err.data };
  }
  throw new Error('the handshake was accepted');
}

/** One ack round trip (`calls:active`): proves the socket is still served. */
export function roundTrip(socket: ClientSocket): Promise<boolean> {
  return new Promise((resolve) => socket.emit('calls:active', (reply) => resolve(reply.ok)));
}
