import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateImportJobs1763900012000 implements MigrationInterface {
  name = 'CreateImportJobs1763900012000';

  async up(q: QueryRunner): Promise<void> {
    // Contact imports as rows, not one node's memory: any web node answers the progress poll, and the
    // uploaded → running transition is one conditional UPDATE, so a job starts once whichever node is asked.
    // `sheet` (the parsed file) is dropped when the job ends; jobs themselves are purged after 30 minutes.
    // `inserting`: at most one job inserts contacts at a time (the unique index below), so two files with the
    // same new number cannot both insert it. A row, not an advisory lock held on a connection: the embedded
    // database has a single connection, which the inserts themselves need.
    await q.query(`
      CREATE TABLE import_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        file_name text NOT NULL,
        sheet jsonb NULL,
        status text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'running', 'done', 'failed')),
        total integer NOT NULL CHECK (total >= 0),
        processed integer NOT NULL DEFAULT 0,
        imported integer NOT NULL DEFAULT 0,
        invalid integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        problems jsonb NOT NULL DEFAULT '[]',
        inserting boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_import_jobs_created ON import_jobs (created_at)`);
    await q.query(`CREATE UNIQUE INDEX uq_import_jobs_one_inserting ON import_jobs ((true)) WHERE inserting`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_jobs`);
  }
}
