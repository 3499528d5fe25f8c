import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCallMeBack1764000630000 implements MigrationInterface {
  name = 'CreateCallMeBack1764000630000';

  async up(q: QueryRunner): Promise<void> {
    // Opening hours per queue (issue 18, "call me back"): a weekly plan in the queue's own zone, whole days
    // closed, and how long a callback may wait for a free operator. A queue without a row is open around the clock.
    await q.query(`
      CREATE TABLE queue_business_hours (
        queue text PRIMARY KEY,
        time_zone text NOT NULL,
        week jsonb NOT NULL,
        holidays date[] NOT NULL DEFAULT '{}',
        callback_wait_seconds integer NOT NULL DEFAULT 120 CHECK (callback_wait_seconds BETWEEN 15 AND 1800),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A visitor's "call me back": rung through the queue while it is open (status calling → connected), else, or
    // when nobody answered in time, a callback task for when the queue opens (scheduled).
    await q.query(`
      CREATE TABLE callback_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        submission_id uuid REFERENCES form_submissions(id) ON DELETE SET NULL,
        queue text NOT NULL,
        phone_e164 text NOT NULL,
        name text,
        entity_type text NOT NULL CHECK (entity_type IN ('lead', 'contact')),
        entity_id uuid NOT NULL,
        owner_id uuid REFERENCES users(id) ON DELETE SET NULL,
        status text NOT NULL CHECK (status IN ('calling', 'connected', 'scheduled')),
        reason text,
        task_id uuid REFERENCES tasks(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE callback_requests`);
    await q.query(`DROP TABLE queue_business_hours`);
  }
}
