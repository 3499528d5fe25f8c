import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * When a campaign attempt's Originate was sent (issue #19). The operator's phone rings before the PBX names the
 * customer, so the call pipeline finds the number that ring is for by the operator's dialled, live attempt; a preview
 * offer that is only reserved (not dialled) must not match, which `started_at` cannot tell.
 */
export class CampaignAttemptDialledAt1764003100000 implements MigrationInterface {
  name = 'CampaignAttemptDialledAt1764003100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaign_attempts ADD COLUMN dialled_at timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Only the dial time is lost; the attempts and their outcomes stay.
    await q.query(`ALTER TABLE campaign_attempts DROP COLUMN dialled_at`);
  }
}
