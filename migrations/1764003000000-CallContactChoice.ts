import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A number several contacts share (issue #12, item 8): the operator picks the caller on the card, and the pick is the
 * call's (`calls.contact_id`). `contact_chosen_by`/`contact_chosen_at` say a person chose it, so the call pipeline,
 * which rewrites a live call's row on every event, keeps the chosen contact instead of its own first match.
 */
export class CallContactChoice1764003000000 implements MigrationInterface {
  name = 'CallContactChoice1764003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE calls
        ADD COLUMN contact_chosen_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        ADD COLUMN contact_chosen_at timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calls DROP COLUMN contact_chosen_at, DROP COLUMN contact_chosen_by`);
  }
}
