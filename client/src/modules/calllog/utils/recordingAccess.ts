export type RecordingLoad =
  | { state: 'loading' }
  | { state: 'ready'; blob: Blob }
  | { state: 'forbidden' }
  | { state: 'missing' }
  | { state: 'error' };

/**
 * Fetches a recording for the player. The server decides who may listen (and audits it); the client
 * only needs to tell "not allowed" (403) and "gone" (404, e.g. removed by retention) from other failures.
 */
export async function fetchRecording(url: string, signal: AbortSignal): Promise<RecordingLoad> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', signal });
  } catch (err) {
    if (signal.aborted) throw err;
    return { state: 'error' };
  }
  if (res.status === 403) return { state: 'forbidden' };
  if (res.status === 404 || res.status === 410) return { state: 'missing' };
  if (!res.ok) return { state: 'error' };
  return { state: 'ready', blob: await res.blob() };
}
