import { io, type Socket } from 'socket.io-client';

import { type ClientToServerEvents, type ServerToClientEvents } from '@contracts/socket-events';

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The one Socket.IO connection of a signed-in tab: same origin, default path, authenticated by the session
 * cookie. socket.io-client reconnects by itself (1 s … 10 s backoff with jitter); the server's connection-state
 * recovery replays short gaps, and `useRealtimeStatus` subscribers resync over REST after longer ones.
 */
export function createRealtimeSocket(url?: string): RealtimeSocket {
  const options = {
    // Connected by RealtimeProvider's effect, so StrictMode's mount/unmount/mount ends with one live socket.
    autoConnect: false,
    withCredentials: true,
    transports: ['websocket', 'polling'],
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
  };
  return url ? io(url, options) : io(options);
}
