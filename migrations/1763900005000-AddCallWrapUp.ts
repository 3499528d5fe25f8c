import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class AddCallWrapUp1763900005000 implements MigrationInterface {
  name = 'AddCallWrapUp1763900005000';

  async up(q: QueryRunner): Promise<void> {
    // Separate from the projected columns: the call recorder's upsert never lists these, so events arriving after
    // the operator's wrap-up cannot erase it.
    await q.query(`
      ALTER TABLE calls
        ADD COLUMN wrap_up_outcome text NULL
          CHECK (wrap_up_outcome IN ('resolved', 'callback', 'sale', 'no-interest', 'wrong-number', 'other')),
        ADD COLUMN wrap_up_note text NULL CHECK (char_length(wrap_up_note) <= 2000),
        ADD COLUMN wrap_up_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        ADD COLUMN wrap_up_at timestamptz NULL`);
    // Retention scans recordings by age.
    await q.query(`CREATE INDEX ix_recordings_created ON recordings (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_recordings_created`);
    await q.query(`
      ALTER TABLE calls
        DROP COLUMN wrap_up_at, DROP COLUMN wrap_up_by, DROP COLUMN wrap_up_note, DROP COLUMN wrap_up_outcome`);
  }
}
