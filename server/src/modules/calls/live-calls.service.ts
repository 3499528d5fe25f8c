import { type DataSource } from 'typeorm';

import { type LiveCallDto } from '@contracts/socket-events';
import { type CallEvent } from '@telephony';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';

import { projectCall } from '@server/common/calls/call-projection';
import { toLiveCall } from './live-call.mapper';

/**
 * A call the PBX never reported as ended (adapter down for good, CDR lost) would stay "live" forever; beyond this
 * age it is history, not a live call.
 */
const LIVE_WINDOW_HOURS = 12;

/**
 * Live calls for the REST resync and the socket's `calls:active`. Re-projected from the stored events, because the
 * `calls` row does not keep which phones ring right now. Operators see the calls that popped for them (call_pops)
 * or that they are on; supervisors, managers and admins see all.
 */
export class LiveCallsService {
  constructor(private readonly dataSource: DataSource) {}

  async listActive(viewer: Pick<Viewer, 'id' | 'role' | 'teamScope'>): Promise<LiveCallDto[]> {
    const everyone = seesAll(viewer);
    const rows: { payload: CallEvent }[] = await this.dataSource.query(
      `SELECT e.payload FROM call_events e
       WHERE e.call_id IN (
         SELECT c.id FROM calls c
         WHERE c.status <> 'ended' AND c.started_at > now() - make_interval(hours => $1)
           AND ($2 OR c.operator_id = ANY($3)
             OR EXISTS (SELECT 1 FROM call_pops p WHERE p.call_id = c.id AND p.user_id = ANY($3))))
       ORDER BY e.call_id, e.seq`,
      [LIVE_WINDOW_HOURS, everyone, scopeIds(viewer)],
    );
    const byCall = new Map<string, CallEvent[]>();
    for (const { payload } of rows) byCall.set(payload.callId, [...(byCall.get(payload.callId) ?? []), payload]);
    return [...byCall.values()]
      .flatMap((events) => {
        const call = projectCall(events);
        return call && call.status !== 'ended' ? [toLiveCall(call)] : [];
      })
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }
}
