import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAgentStates1763900008000 implements MigrationInterface {
  name = 'CreateAgentStates1763900008000';

  async up(q: QueryRunner): Promise<void> {
    // One row per operator: the state they (or a supervisor) chose, and what the calls make of it (activity).
    // No row means `available`, which is what Asterisk assumes of a queue member it has never paused.
    await q.query(`
      CREATE TABLE agent_states (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('available', 'break', 'wrap-up', 'offline')),
        reason text NULL,
        since timestamptz NOT NULL,
        wrap_up_until timestamptz NULL,
        activity text NULL CHECK (activity IN ('on-call', 'ringing')),
        activity_call_id uuid NULL,
        activity_since timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'wrap-up') = (wrap_up_until IS NOT NULL))
      )`);
    // The wrap-up sweeper looks only at rows whose timer runs.
    await q.query(
      `CREATE INDEX ix_agent_states_wrap_up ON agent_states (wrap_up_until) WHERE wrap_up_until IS NOT NULL`,
    );
    // Intervals of the effective state (on-call / ringing win over the chosen state), for occupancy and audits of
    // breaks: [started_at, ended_at), ended_at NULL for the current one; at most one open interval per operator.
    await q.query(`
      CREATE TABLE agent_state_history (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('available', 'break', 'wrap-up', 'offline', 'on-call', 'ringing')),
        reason text NULL,
        call_id uuid NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NULL,
        changed_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await q.query(`CREATE INDEX ix_agent_state_history_user ON agent_state_history (user_id, started_at DESC)`);
    await q.query(`CREATE INDEX ix_agent_state_history_started ON agent_state_history (started_at)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_agent_state_history_open ON agent_state_history (user_id) WHERE ended_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_state_history`);
    await q.query(`DROP TABLE agent_states`);
  }
}
