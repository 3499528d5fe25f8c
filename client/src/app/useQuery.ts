import { useCallback, useEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  /** Last loaded value; kept while a newer request is in flight so lists do not flash empty. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

interface Settled<T> {
  token: string;
  data: T | undefined;
  error: unknown;
}

/**
 * Loads data whenever `key` changes and aborts the previous request, so fast typing in a search
 * box never lets an older, slower response overwrite a newer one.
 */
export function useQuery<T>(key: string, fetcher: (signal: AbortSignal) => Promise<T>): QueryState<T> {
  const [nonce, setNonce] = useState(0);
  const [settled, setSettled] = useState<Settled<T>>({ token: '', data: undefined, error: null });
  const fetcherRef = useRef(fetcher);
  useEffect(() => {
    fetcherRef.current = fetcher;
  });
  const token = `${nonce}|${key}`;

  useEffect(() => {
    const controller = new AbortController();
    fetcherRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ token, data, error: null });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled((prev) => ({ token, data: prev.data, error }));
      },
    );
    return () => controller.abort();
  }, [token]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const loading = settled.token !== token;
  return { data: settled.data, error: loading ? null : settled.error, loading, reload };
}

/** Value that follows `value` after it stopped changing for `ms` (search-as-you-type). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return debounced;
}
