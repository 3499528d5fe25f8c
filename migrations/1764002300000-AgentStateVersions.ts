import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Agent states are decided in memory and written in batches (issue #13): each write of an operator's row is a
 * compare-and-set on `version`, so a node that decided on a row another node has changed since redoes the change
 * on the stored row instead of overwriting it. Existing rows start at 0, which is what a node reading them expects.
 */
export class AgentStateVersions1764002300000 implements MigrationInterface {
  name = 'AgentStateVersions1764002300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agent_states ADD COLUMN version bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agent_states DROP COLUMN version`);
  }
}
