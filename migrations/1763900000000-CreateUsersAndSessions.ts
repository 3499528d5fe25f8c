import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateUsersAndSessions1763900000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        login text NOT NULL CHECK (login = lower(login) AND length(login) BETWEEN 1 AND 64),
        password_hash text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'manager', 'supervisor', 'operator')),
        extension text NULL CHECK (extension ~ '^[0-9]{2,6}$'),
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_users_login UNIQUE (login),
        CONSTRAINT uq_users_extension UNIQUE (extension)
      )`);
    // Only the sha256 of the cookie token is stored, so a leaked table cannot be replayed as sessions.
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ip text NULL,
        user_agent text NULL,
        CONSTRAINT uq_sessions_token_hash UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX ix_sessions_user ON sessions (user_id)`);
    await q.query(`CREATE INDEX ix_sessions_expires ON sessions (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE users`);
  }
}
