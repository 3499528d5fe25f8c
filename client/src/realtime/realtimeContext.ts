import { createContext, useContext, useEffect, useRef } from 'react';

import { type LiveCallDto, type ServerToClientEvents } from '@contracts/socket-events';
import { type RealtimeSocket } from '@client/realtime/realtimeSocket';

export type RealtimeStatus = 'connecting' | 'connected' | 'disconnected';

export interface Realtime {
  socket: RealtimeSocket | null;
  status: RealtimeStatus;
  /** Live calls from the last REST resync (after every connect that was not a recovered session). */
  activeCalls: LiveCallDto[] | null;
  /** `performance.now()` when that resync was asked for: events received later are newer than its answer. */
  activeCallsAsOf: number;
  /** Bumped on each resync so consumers can reconcile their state. */
  resyncVersion: number;
}

export const RealtimeContext = createContext<Realtime>({
  socket: null,
  status: 'disconnected',
  activeCalls: null,
  activeCallsAsOf: 0,
  resyncVersion: 0,
});

export function useRealtime(): Realtime {
  return useContext(RealtimeContext);
}

/** Subscribes to one typed server event for the lifetime of the component; the latest handler is always used. */
export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
  const { socket } = useRealtime();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!socket) return;
    const listener = ((...args: Parameters<ServerToClientEvents[E]>) =>
      (latest.current as (...a: Parameters<ServerToClientEvents[E]>) => void)(...args)) as ServerToClientEvents[E];
    // socket.io-client's typed `on` cannot see through the generic key; the cast keeps the payload typed for callers.
    (socket.on as (e: E, l: ServerToClientEvents[E]) => void)(event, listener);
    return () => {
      (socket.off as (e: E, l: ServerToClientEvents[E]) => void)(event, listener);
    };
  }, [socket, event]);
}
