import { useCallback, useEffect, useState } from 'react';

import { type WallboardDto } from '@contracts/dto/wallboard';
import { http } from '@client/api/http';
import { useRealtime, useSocketEvent } from '@client/realtime/realtimeContext';

export interface WallboardState {
  board: WallboardDto | null;
  error: unknown;
  /** Server clock minus ours, so timers tick from the server's snapshot time. */
  skewMs: number;
  reload: () => void;
}

/** GET /api/wallboard for the first picture (and after every reconnect), then `wallboard:update` pushes. */
export function useWallboard(): WallboardState {
  const { resyncVersion } = useRealtime();
  const [board, setBoard] = useState<WallboardDto | null>(null);
  const [skewMs, setSkewMs] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);

  const accept = useCallback((next: WallboardDto) => {
    setBoard(next);
    setSkewMs(Date.parse(next.at) - Date.now());
    setError(null);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    http
      .get<WallboardDto>('/api/wallboard', { signal: controller.signal })
      .then(accept)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [accept, resyncVersion, nonce]);

  useSocketEvent('wallboard:update', accept);
  return { board, error, skewMs, reload: () => setNonce((n) => n + 1) };
}

/** Re-renders every `ms` so wait and talk timers move between pushes. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
