import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Teams of operators, each led by a supervisor (who then sees that team's records, see common/access/visibility.ts),
 * and extensions unique among *active* users only: a departing employee's extension can go to their successor while
 * the deactivated account (and its history) stays.
 */
export class CreateTeams1764000700000 implements MigrationInterface {
  name = 'CreateTeams1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        supervisor_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_teams_name UNIQUE (name)
      )`);
    await q.query(`CREATE INDEX ix_teams_supervisor ON teams (supervisor_id)`);
    await q.query(`ALTER TABLE users ADD COLUMN team_id uuid NULL REFERENCES teams(id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX ix_users_team ON users (team_id)`);
    // Same name as the old constraint, so the error mapping (pgConstraint → EXTENSION_TAKEN) stays one rule.
    await q.query(`ALTER TABLE users DROP CONSTRAINT uq_users_extension`);
    await q.query(`CREATE UNIQUE INDEX uq_users_extension ON users (extension) WHERE active AND extension IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The old constraint held across inactive users too: a reused extension stays with the active user (or, among
    // inactive ones, with the oldest account); the others lose it.
    await q.query(`
      UPDATE users u SET extension = NULL
      WHERE u.extension IS NOT NULL AND EXISTS (
        SELECT 1 FROM users o WHERE o.extension = u.extension AND o.id <> u.id
          AND (o.active AND NOT u.active OR (o.active = u.active AND (o.created_at, o.id) < (u.created_at, u.id))))`);
    await q.query(`DROP INDEX uq_users_extension`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT uq_users_extension UNIQUE (extension)`);
    await q.query(`DROP INDEX ix_users_team`);
    await q.query(`ALTER TABLE users DROP COLUMN team_id`);
    await q.query(`DROP TABLE teams`);
  }
}
