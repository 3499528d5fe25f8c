import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCallReviews1763900010000 implements MigrationInterface {
  name = 'CreateCallReviews1763900010000';

  async up(q: QueryRunner): Promise<void> {
    // Quality-control review of a recorded call: one per call per reviewer, corrected in place (upsert).
    // Reviews go with their call; a deleted reviewer takes their reviews (users are normally deactivated, not deleted).
    await q.query(`
      CREATE TABLE call_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        reviewer_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
        script_followed boolean NOT NULL,
        comment text NULL CHECK (comment IS NULL OR length(comment) <= 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_call_reviews_call_reviewer UNIQUE (call_id, reviewer_id)
      )`);
    // The unique index serves "reviews of these calls"; reviewer lookups ("my reviews") get their own.
    await q.query(`CREATE INDEX ix_call_reviews_reviewer ON call_reviews (reviewer_id, updated_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE call_reviews`);
  }
}
