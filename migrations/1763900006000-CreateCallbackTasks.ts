import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCallbackTasks1763900006000 implements MigrationInterface {
  name = 'CreateCallbackTasks1763900006000';

  async up(q: QueryRunner): Promise<void> {
    // A callback task remembers the call it answers for. `call_id` is a real column (not the polymorphic
    // entity link) so the database, not the application, settles "one callback per call": several web nodes may
    // react to the same call.ended, and redeliveries happen.
    await q.query(`ALTER TABLE tasks ADD COLUMN call_id uuid NULL REFERENCES calls(id) ON DELETE CASCADE`);
    // A task nobody owns yet belongs to a queue (assignee_id NULL, queue set); see the callbacks README section.
    await q.query(`ALTER TABLE tasks ADD COLUMN queue text NULL`);
    await q.query(`ALTER TABLE tasks ADD COLUMN escalated_at timestamptz NULL`);
    await q.query(`CREATE UNIQUE INDEX uq_tasks_callback_call ON tasks (call_id) WHERE kind = 'callback'`);
    // The escalation job's scan: open callbacks not yet escalated, by due time.
    await q.query(`
      CREATE INDEX ix_tasks_callback_escalation ON tasks (due_at)
        WHERE kind = 'callback' AND done_at IS NULL AND escalated_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_tasks_callback_escalation`);
    await q.query(`DROP INDEX uq_tasks_callback_call`);
    await q.query(`ALTER TABLE tasks DROP COLUMN escalated_at`);
    await q.query(`ALTER TABLE tasks DROP COLUMN queue`);
    await q.query(`ALTER TABLE tasks DROP COLUMN call_id`);
  }
}
