import { type DataSource, type EntityManager } from 'typeorm';

import { type PendingRow } from './agent-book';
import { type AgentActivity, type AgentStateRecord, type BaseAgentState } from './agent-state';

export interface AgentUser {
  userId: string;
  login: string;
  name: string;
  role: string;
  extension: string | null;
}

export interface AgentRow extends AgentUser {
  record: AgentStateRecord | null;
  /** The stored row's version (0 without a row): the next write must find it unchanged. */
  version: number;
}

interface RawRow {
  user_id: string;
  login: string;
  name: string;
  role: string;
  extension: string | null;
  state: BaseAgentState | null;
  reason: string | null;
  since: Date | null;
  wrap_up_until: Date | null;
  activity: AgentActivity | null;
  activity_call_id: string | null;
  activity_since: Date | null;
  version: string | null;
}

const SELECT = `
  SELECT u.id AS user_id, u.login, u.name, u.role, u.extension,
         s.state, s.reason, s.since, s.wrap_up_until, s.activity, s.activity_call_id, s.activity_since, s.version
  FROM users u LEFT JOIN agent_states s ON s.user_id = u.id`;

function toRow(r: RawRow): AgentRow {
  return {
    userId: r.user_id,
    login: r.login,
    name: r.name,
    role: r.role,
    extension: r.extension,
    version: Number(r.version ?? 0),
    record:
      r.state && r.since
        ? {
            state: r.state,
            reason: r.reason,
            since: r.since,
            wrapUpUntil: r.wrap_up_until,
            activity: r.activity,
            activityCallId: r.activity_call_id,
            activitySince: r.activity_since,
          }
        : null,
  };
}

/** agent_states (current) and agent_state_history (intervals); raw SQL because both are keyed by user. */
export class AgentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Operators (role operator) and anyone else who has a stored state, by extension. */
  async listAgents(): Promise<AgentRow[]> {
    const rows: RawRow[] = await this.dataSource.query(
      `${SELECT} WHERE u.active AND (u.role = 'operator' OR s.user_id IS NOT NULL)
       ORDER BY u.extension NULLS LAST, u.name`,
    );
    return rows.map(toRow);
  }

  async find(userId: string, em?: EntityManager): Promise<AgentRow | null> {
    const rows: RawRow[] = await (em ?? this.dataSource.manager).query(`${SELECT} WHERE u.id = $1 AND u.active`, [
      userId,
    ]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * Stored states with their row versions: of `userIds` (an unknown or inactive user is left out; one without a
   * row comes back with a null record and version 0), or every stored row.
   */
  async loadStates(userIds?: string[]): Promise<AgentRow[]> {
    const rows: RawRow[] = userIds
      ? await this.dataSource.query(`${SELECT} WHERE u.id = ANY($1::uuid[]) AND u.active`, [userIds])
      : await this.dataSource.query(`${SELECT} WHERE u.active AND s.user_id IS NOT NULL`);
    return rows.map(toRow);
  }

  /**
   * Writes a batch of operators' rows and their history intervals in one transaction, each row only if it is still
   * at the version the change was decided on (`version - 1`). Returns who was written; the others were changed
   * by another node meanwhile, or their user is gone.
   */
  async store(rows: PendingRow[]): Promise<Set<string>> {
    if (!rows.length) return new Set();
    return this.dataSource.transaction(async (em) => {
      const col = <T>(pick: (r: PendingRow) => T) => rows.map(pick);
      const written: { user_id: string }[] = await em.query(
        `INSERT INTO agent_states AS s (user_id, state, reason, since, wrap_up_until, activity, activity_call_id,
           activity_since, version, updated_at)
         SELECT v.*, now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
           $6::text[], $7::uuid[], $8::timestamptz[], $9::bigint[])
           AS v(user_id, state, reason, since, wrap_up_until, activity, activity_call_id, activity_since, version)
         WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = v.user_id)
         ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason,
           since = EXCLUDED.since, wrap_up_until = EXCLUDED.wrap_up_until, activity = EXCLUDED.activity,
           activity_call_id = EXCLUDED.activity_call_id, activity_since = EXCLUDED.activity_since,
           version = EXCLUDED.version, updated_at = now()
         WHERE s.version = EXCLUDED.version - 1
         RETURNING user_id`,
        [
          col((r) => r.userId),
          col((r) => r.record.state),
          col((r) => r.record.reason),
          col((r) => r.record.since),
          col((r) => r.record.wrapUpUntil),
          col((r) => r.record.activity),
          col((r) => r.record.activityCallId),
          col((r) => r.record.activitySince),
          col((r) => r.version),
        ],
      );
      const kept = new Set(written.map((w) => w.user_id));
      // Only the rows written: their row lock (held to commit) keeps other nodes' intervals for them out meanwhile.
      const intervals = rows.filter((r) => kept.has(r.userId) && r.intervals.length);
      if (intervals.length) await this.rotateHistory(em, intervals);
      return kept;
    });
  }

  /** Closes each operator's open interval where their first new one starts, and adds the new ones. */
  private async rotateHistory(em: EntityManager, rows: PendingRow[]): Promise<void> {
    await em.query(
      `UPDATE agent_state_history h SET ended_at = GREATEST(v.at, h.started_at)
       FROM unnest($1::uuid[], $2::timestamptz[]) AS v(user_id, at)
       WHERE h.user_id = v.user_id AND h.ended_at IS NULL`,
      [rows.map((r) => r.userId), rows.map((r) => r.intervals[0]!.since)],
    );
    const all = rows.flatMap((r) =>
      r.intervals.map((i, n) => ({ userId: r.userId, ...i, endedAt: r.intervals[n + 1]?.since ?? null })),
    );
    await em.query(
      `INSERT INTO agent_state_history (user_id, state, reason, call_id, started_at, ended_at, changed_by)
       SELECT v.user_id, v.state, v.reason, v.call_id, v.started_at,
         -- GREATEST skips NULL: the open interval must stay open.
         CASE WHEN v.ended_at IS NOT NULL THEN GREATEST(v.ended_at, v.started_at) END, u.id
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[],
         $7::uuid[]) AS v(user_id, state, reason, call_id, started_at, ended_at, changed_by)
       LEFT JOIN users u ON u.id = v.changed_by`,
      [
        all.map((i) => i.userId),
        all.map((i) => i.state),
        all.map((i) => i.reason),
        all.map((i) => i.callId),
        all.map((i) => i.since),
        all.map((i) => i.endedAt),
        all.map((i) => i.changedBy),
      ],
    );
  }

  /** Operators whose current activity is this call (ringing for it or on it), as stored. */
  async onCall(callId: string): Promise<AgentRow[]> {
    const rows: RawRow[] = await this.dataSource.query(`${SELECT} WHERE s.activity_call_id = $1 AND u.active`, [
      callId,
    ]);
    return rows.map(toRow);
  }

  /** Operators whose wrap-up ran out, as stored (with their versions). */
  async expiredWrapUps(now: Date): Promise<AgentRow[]> {
    const rows: RawRow[] = await this.dataSource.query(
      `${SELECT} WHERE s.wrap_up_until IS NOT NULL AND s.wrap_up_until <= $1 AND u.active`,
      [now],
    );
    return rows.map(toRow);
  }
}
