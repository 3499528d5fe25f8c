import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outbound campaigns (issue #19), owned by the `campaigns` module.
 * - `campaigns`: what to dial and how (mode, caller ID, pacing, schedule, callee window, retry rules, closing
 *   dispositions, script) and its run state.
 * - `campaign_operators`: who takes its calls.
 * - `campaign_records`: the call list, one row per number, with its state, attempts and next due time.
 * - `campaign_attempts`: one row per dial. The partial unique indexes are the dialer's cross-node guarantee: one live
 *   attempt per number (any campaign, any node) and one per operator. An in-memory flag could not hold across nodes.
 */
export class CreateCampaigns1764002400000 implements MigrationInterface {
  name = 'CreateCampaigns1764002400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
        mode text NOT NULL CHECK (mode IN ('preview', 'progressive')),
        queue text NULL,
        caller_id text NOT NULL CHECK (caller_id ~ '^\\+[0-9]{6,15}$'),
        ratio numeric(3, 2) NOT NULL DEFAULT 1 CHECK (ratio >= 1 AND ratio <= 1.5),
        abandon_cap_percent numeric(4, 2) NOT NULL DEFAULT 3 CHECK (abandon_cap_percent >= 0 AND abandon_cap_percent <= 100),
        abandon_window_minutes integer NOT NULL DEFAULT 60 CHECK (abandon_window_minutes BETWEEN 1 AND 1440),
        schedule jsonb NULL,
        call_window jsonb NOT NULL,
        retry_rules jsonb NOT NULL,
        closing_dispositions text[] NOT NULL DEFAULT '{}',
        dispositions text[] NOT NULL DEFAULT '{}',
        script text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'paused', 'stopped', 'finished')),
        created_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_campaigns_name ON campaigns (lower(name))`);
    await q.query(`CREATE INDEX ix_campaigns_running ON campaigns (id) WHERE status = 'running'`);

    await q.query(`
      CREATE TABLE campaign_operators (
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (campaign_id, user_id)
      )`);

    await q.query(`
      CREATE TABLE campaign_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        phone_e164 text NOT NULL CHECK (phone_e164 ~ '^\\+[0-9]{6,15}$'),
        name text NULL,
        entity_type text NULL CHECK (entity_type IN ('contact', 'lead', 'deal')),
        entity_id uuid NULL,
        state text NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending', 'dialling', 'done', 'failed', 'excluded')),
        attempts integer NOT NULL DEFAULT 0,
        next_due_at timestamptz NOT NULL DEFAULT now(),
        last_outcome text NULL,
        disposition text NULL,
        excluded_reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_campaign_records_phone ON campaign_records (campaign_id, phone_e164)`);
    // The dialer's pick: the campaign's pending records in due order.
    await q.query(`
      CREATE INDEX ix_campaign_records_due ON campaign_records (campaign_id, next_due_at) WHERE state = 'pending'`);

    await q.query(`
      CREATE TABLE campaign_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        record_id uuid NOT NULL REFERENCES campaign_records(id) ON DELETE CASCADE,
        phone_e164 text NOT NULL,
        user_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        node_id text NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        connected_at timestamptz NULL,
        ended_at timestamptz NULL,
        outcome text NULL CHECK (outcome IN
          ('answered', 'busy', 'no-answer', 'failed', 'abandoned', 'agent-no-answer', 'blocked', 'cancelled')),
        call_id uuid NULL,
        disposition text NULL
      )`);
    await q.query(`
      CREATE UNIQUE INDEX uq_campaign_attempts_live_phone ON campaign_attempts (phone_e164) WHERE ended_at IS NULL`);
    await q.query(`
      CREATE UNIQUE INDEX uq_campaign_attempts_live_user ON campaign_attempts (user_id)
        WHERE ended_at IS NULL AND user_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_campaign_attempts_campaign ON campaign_attempts (campaign_id, started_at)`);
    await q.query(`CREATE INDEX ix_campaign_attempts_call ON campaign_attempts (call_id) WHERE call_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Campaigns, their lists and every attempt are dropped; the calls themselves stay in `calls`.
    await q.query(`DROP TABLE campaign_attempts`);
    await q.query(`DROP TABLE campaign_records`);
    await q.query(`DROP TABLE campaign_operators`);
    await q.query(`DROP TABLE campaigns`);
  }
}
