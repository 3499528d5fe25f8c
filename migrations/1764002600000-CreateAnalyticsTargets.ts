import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Targets a supervisor sets for an operator (issue #20): one value per figure of the personal dashboard and per
 * calendar day or month. Owned by the analytics module. A target goes with its user; who set it may leave.
 */
export class CreateAnalyticsTargets1764002600000 implements MigrationInterface {
  name = 'CreateAnalyticsTargets1764002600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE analytics_targets (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        metric text NOT NULL CHECK (metric IN ('calls-in', 'calls-out', 'talk-seconds', 'conversions', 'deals-won')),
        period text NOT NULL CHECK (period IN ('day', 'month')),
        value integer NOT NULL CHECK (value BETWEEN 1 AND 1000000),
        set_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, metric, period)
      )`);
    // Personal conversions count a user's leads by when they were converted.
    await q.query(
      `CREATE INDEX ix_leads_owner_converted ON leads (owner_id, converted_at) WHERE converted_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_leads_owner_converted`);
    await q.query(`DROP TABLE analytics_targets`);
  }
}
