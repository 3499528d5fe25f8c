import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateApiTokens1764000600000 implements MigrationInterface {
  name = 'CreateApiTokens1764000600000';

  async up(q: QueryRunner): Promise<void> {
    // Bearer tokens for other systems (issue 18). Only the token's sha256 is stored, like sessions: it carries 240
    // random bits, so a slow hash would add nothing but a cost to every request. `prefix` is shown in the UI.
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('personal', 'integration')),
        prefix text NOT NULL,
        token_hash bytea NOT NULL,
        scopes text[] NOT NULL,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_by_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        last_used_ip text,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_api_tokens_hash ON api_tokens (token_hash)`);
    await q.query(`CREATE INDEX ix_api_tokens_owner ON api_tokens (owner_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_tokens`);
  }
}
