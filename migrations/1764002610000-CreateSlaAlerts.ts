import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Live SLA alerts (issue #20), owned by analytics: thresholds per queue, and the alerts with their start and end.
 * At most one open alert per queue and kind (partial unique index): every node may evaluate, and the one whose
 * insert wins is the one that announces it, so a breach is raised once per cluster.
 */
export class CreateSlaAlerts1764002610000 implements MigrationInterface {
  name = 'CreateSlaAlerts1764002610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_thresholds (
        queue text PRIMARY KEY,
        sl_below_percent numeric(5, 2) NULL CHECK (sl_below_percent BETWEEN 1 AND 100),
        sl_window_minutes integer NOT NULL DEFAULT 30 CHECK (sl_window_minutes BETWEEN 5 AND 1440),
        sl_seconds integer NOT NULL DEFAULT 20 CHECK (sl_seconds BETWEEN 1 AND 3600),
        longest_wait_above_seconds integer NULL CHECK (longest_wait_above_seconds BETWEEN 1 AND 3600),
        waiting_above integer NULL CHECK (waiting_above BETWEEN 0 AND 1000),
        updated_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sla_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        queue text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('service-level', 'longest-wait', 'waiting')),
        threshold numeric NOT NULL,
        value numeric NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_sla_alerts_open ON sla_alerts (queue, kind) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX ix_sla_alerts_started ON sla_alerts (started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sla_alerts`);
    await q.query(`DROP TABLE sla_thresholds`);
  }
}
