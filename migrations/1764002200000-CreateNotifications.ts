import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Stored notifications (issue #12, item 4): what arrived for a user (a task, a lead or a record given to them, an
 * escalated callback, a stage change on their deal), kept so a user who was offline finds it at the next login.
 * Owned by the notifications module. The bell reads a user's newest rows and counts the unread ones, hence the two
 * indexes; rows go with their user.
 */
export class CreateNotifications1764002200000 implements MigrationInterface {
  name = 'CreateNotifications1764002200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('task-assigned', 'task-due', 'callback-escalated', 'lead-assigned',
          'record-reassigned', 'deal-stage-changed')),
        entity_type text NOT NULL CHECK (entity_type IN ('task', 'lead', 'contact', 'company', 'deal')),
        entity_id uuid NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        actor_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        read_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_notifications_user_created ON notifications (user_id, created_at DESC, id)`);
    await q.query(`CREATE INDEX ix_notifications_user_unread ON notifications (user_id) WHERE read_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
  }
}
