import { type ReactNode, useEffect, useState } from 'react';

import { type LiveCallDto } from '@contracts/socket-events';
import { fetchActiveCalls } from '@client/realtime/activeCalls';
import { RealtimeContext, type RealtimeStatus } from '@client/realtime/realtimeContext';
import { createRealtimeSocket, type RealtimeSocket } from '@client/realtime/realtimeSocket';

/** Opens the socket while signed in and resyncs live calls over REST after every fresh connect. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const [socket] = useState<RealtimeSocket>(() => createRealtimeSocket());
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const [activeCalls, setActiveCalls] = useState<LiveCallDto[] | null>(null);
  const [activeCallsAsOf, setActiveCallsAsOf] = useState(0);
  const [resyncVersion, setResyncVersion] = useState(0);

  useEffect(() => {
    const s = socket;
    const controller = new AbortController();
    const resync = () => {
      const asOf = performance.now();
      fetchActiveCalls(controller.signal)
        .then((calls) => {
          setActiveCalls(calls);
          setActiveCallsAsOf(asOf);
          setResyncVersion((v) => v + 1);
        })
        .catch(() => {
          // The next reconnect tries again; meanwhile live events keep the screen current.
        });
    };
    s.on('connect', () => {
      setStatus('connected');
      // A recovered session got the missed events replayed; anything else may have missed some.
      if (!s.recovered) resync();
    });
    s.on('disconnect', (reason) => {
      setStatus('disconnected');
      // The server closed the socket: the session ended (logout in another tab, deactivation) or the role changed,
      // and socket.io-client will not reconnect by itself. A 401 here signs the tab out (onUnauthorized); a session
      // that is still good means a new role, which a reload shows.
      if (reason === 'io server disconnect') {
        fetchActiveCalls().then(
          () => window.location.reload(),
          () => undefined,
        );
      }
    });
    s.io.on('reconnect_attempt', () => setStatus('connecting'));
    s.connect();
    return () => {
      controller.abort();
      s.off('connect');
      s.off('disconnect');
      s.io.off('reconnect_attempt');
      s.disconnect();
    };
  }, [socket]);

  return (
    <RealtimeContext.Provider value={{ socket, status, activeCalls, activeCallsAsOf, resyncVersion }}>
      {children}
    </RealtimeContext.Provider>
  );
}
