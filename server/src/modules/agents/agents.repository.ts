import { type DataSource, type EntityManager } from 'typeorm';

import { type AgentActivity, type AgentStateRecord, type BaseAgentState, type EffectiveState } from './agent-state';

export interface AgentUser {
  userId: string;
  login: string;
  name: string;
  role: string;
  extension: string | null;
}

export interface AgentRow extends AgentUser {
  record: AgentStateRecord | null;
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
}

const SELECT = `
  SELECT u.id AS user_id, u.login, u.name, u.role, u.extension,
         s.state, s.reason, s.since, s.wrap_up_until, s.activity, s.activity_call_id, s.activity_since
  FROM users u LEFT JOIN agent_states s ON s.user_id = u.id`;

function toRow(r: RawRow): AgentRow {
  return {
    userId: r.user_id,
    login: r.login,
    name: r.name,
    role: r.role,
    extension: r.extension,
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

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

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

  async userIdByExtension(extension: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM users WHERE extension = $1 AND active LIMIT 1`,
      [extension],
    );
    return rows[0]?.id ?? null;
  }

  /** Locks the operator's row (creating the default one) so concurrent transitions serialize. */
  async lock(em: EntityManager, userId: string, now: Date): Promise<AgentRow | null> {
    // Every call event of a ringall queue moves every member: once the row exists, lock and read it in one trip.
    const [locked]: RawRow[] = await em.query(
      `${SELECT.replace('LEFT JOIN', 'JOIN')} WHERE u.id = $1 AND u.active FOR UPDATE OF s`,
      [userId],
    );
    if (locked) return toRow(locked);
    await em.query(
      `INSERT INTO agent_states (user_id, state, since)
       SELECT id, 'available', $2 FROM users WHERE id = $1 ON CONFLICT (user_id) DO NOTHING`,
      [userId, now],
    );
    // Locked and read in one statement (FOR UPDATE returns the newest version once the lock is ours); an inner
    // join, as a row on the nullable side of an outer join cannot be locked.
    const rows: RawRow[] = await em.query(
      `SELECT u.id AS user_id, u.login, u.name, u.role, u.extension,
              s.state, s.reason, s.since, s.wrap_up_until, s.activity, s.activity_call_id, s.activity_since
       FROM agent_states s JOIN users u ON u.id = s.user_id
       WHERE s.user_id = $1 AND u.active FOR UPDATE OF s`,
      [userId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async save(em: EntityManager, userId: string, r: AgentStateRecord): Promise<void> {
    await em.query(
      `UPDATE agent_states SET state = $2, reason = $3, since = $4, wrap_up_until = $5, activity = $6,
         activity_call_id = $7, activity_since = $8, updated_at = now()
       WHERE user_id = $1`,
      [userId, r.state, r.reason, r.since, r.wrapUpUntil, r.activity, r.activityCallId, r.activitySince],
    );
  }

  /** Closes the open interval (if any) and opens the next one at `at`. */
  async rotateHistory(
    em: EntityManager,
    userId: string,
    next: EffectiveState,
    at: Date,
    changedBy: string | null,
  ): Promise<void> {
    await em.query(
      `UPDATE agent_state_history SET ended_at = GREATEST($2::timestamptz, started_at)
       WHERE user_id = $1 AND ended_at IS NULL`,
      [userId, at],
    );
    await em.query(
      `INSERT INTO agent_state_history (user_id, state, reason, call_id, started_at, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [userId, next.state, next.reason, next.callId, at, changedBy],
    );
  }

  /** Operators whose current activity is this call (ringing for it or on it). */
  async usersOnCall(callId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT user_id FROM agent_states WHERE activity_call_id = $1`,
      [callId],
    );
    return rows.map((r) => r.user_id);
  }

  async expiredWrapUps(now: Date): Promise<string[]> {
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT user_id FROM agent_states WHERE wrap_up_until IS NOT NULL AND wrap_up_until <= $1`,
      [now],
    );
    return rows.map((r) => r.user_id);
  }
}
