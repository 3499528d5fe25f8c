import { type LiveCallDto } from '@contracts/socket-events';
import { http } from '@client/api/http';

/** The REST resync after a (re)connect: the live calls this user may see. */
export function fetchActiveCalls(signal?: AbortSignal): Promise<LiveCallDto[]> {
  return http.get<LiveCallDto[]>('/api/calls/active', { signal });
}
