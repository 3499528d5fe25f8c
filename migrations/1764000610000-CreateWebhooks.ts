import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateWebhooks1764000610000 implements MigrationInterface {
  name = 'CreateWebhooks1764000610000';

  async up(q: QueryRunner): Promise<void> {
    // Endpoints admins subscribe to events (issue 18). The signing secret must be recoverable to sign, so it is
    // sealed (AES-256-GCM under SIP_SECRETS_KEY, bound to the endpoint id) rather than hashed.
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text NOT NULL DEFAULT '',
        events text[] NOT NULL,
        secret bytea NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per event and endpoint. Its id is derived from both (UUID v5), so an event enqueued twice (a
    // redelivered call event, two nodes) is one delivery; the job queue's job for it carries the same id.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC)`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_created ON webhook_deliveries (created_at)`);
    await q.query(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        status_code integer,
        duration_ms integer NOT NULL,
        error text,
        manual boolean NOT NULL DEFAULT false,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_webhook_attempts_delivery ON webhook_attempts (delivery_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
    // The job queue (pg-boss) keeps its jobs in a schema of its own, made on first start; gone with these tables.
    await q.query(`DROP SCHEMA IF EXISTS zvonok_jobs CASCADE`);
  }
}
