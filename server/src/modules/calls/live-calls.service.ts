import { type DataSource } from 'typeorm';

import { type LiveCallDto } from '@contracts/socket-events';
import { type CallStatus } from '@telephony';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';

import { callParties, type CallPartiesRow } from './calls.repository';
import { toLiveCall } from './live-call.mapper';

/**
 * A call the PBX never reported as ended (adapter down for good, CDR lost) would stay "live" forever; beyond this
 * age it is history, not a live call.
 */
const LIVE_WINDOW_HOURS = 12;

/**
 * Live calls for the REST resync, the socket's `calls:active` and the wallboard, from the open calls' rows (the call
 * pipeline keeps each row the fold of the call's events, the phones ringing now included). Operators see the calls
 * that popped for them (call_pops) or that they are on; supervisors, managers and admins see all.
 */
export class LiveCallsService {
  constructor(private readonly dataSource: DataSource) {}

  async listActive(viewer: Pick<Viewer, 'id' | 'role' | 'teamScope'>): Promise<LiveCallDto[]> {
    const everyone = seesAll(viewer);
    const rows: LiveRow[] = await this.dataSource.query(
      `SELECT c.id, c.direction, c.from_raw, c.from_e164, c.anonymous, c.to_raw, c.to_e164, c.queue, c.status,
              c.ringing_agents, c.agent_extension, c.started_at, c.answered_at
       FROM calls c
       WHERE c.status <> 'ended' AND c.started_at > now() - make_interval(hours => $1)
         AND ($2 OR c.operator_id = ANY($3)
           OR EXISTS (SELECT 1 FROM call_pops p WHERE p.call_id = c.id AND p.user_id = ANY($3)))
       ORDER BY c.started_at, c.id`,
      [LIVE_WINDOW_HOURS, everyone, scopeIds(viewer)],
    );
    return rows.map((r) => toLiveCall({ ...callParties(r), status: r.status, ringingAgents: r.ringing_agents }));
  }
}

/** What of a calls row the live view shows: who calls whom, its status, and the phones ringing now. */
type LiveRow = CallPartiesRow & { status: CallStatus; ringing_agents: string[] };
