import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The phones ringing for a call now, kept on its row by the call pipeline's batched writes like the rest of the
 * call's record, so the live calls (wallboard, resync, `calls:active`) are read from the open calls' rows instead of
 * re-projecting every event of every open call twice a second.
 */
export class CallRingingAgents1764004300000 implements MigrationInterface {
  name = 'CallRingingAgents1764004300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calls ADD COLUMN ringing_agents text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calls DROP COLUMN ringing_agents`);
  }
}
