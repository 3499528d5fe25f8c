import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateSipSecrets1764000300000 implements MigrationInterface {
  name = 'CreateSipSecrets1764000300000';

  async up(q: QueryRunner): Promise<void> {
    // One SIP digest secret per user (their desk phone `<ext>` and WebRTC twin `<ext>-web`), replacing the one
    // password every softphone shared. `secret` is AES-256-GCM ciphertext (version, iv, tag, data) bound to the
    // user id, so a database dump or backup holds no usable secret; the key is SIP_SECRETS_KEY, never stored here.
    await q.query(`
      CREATE TABLE sip_secrets (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret bytea NOT NULL,
        rotated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sip_secrets`);
  }
}
