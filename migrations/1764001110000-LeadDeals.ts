import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Leads that become deals (issue #12, item 6): a converted lead keeps the contact it became (`contact_id`, already
 * there) and the first deal made with it (`deal_id`), so analytics can count lead → deal and lead → won deal instead
 * of lead → contact. When it was converted (`converted_at`) is kept since CreateTimeline, set by the database.
 */
export class LeadDeals1764001110000 implements MigrationInterface {
  name = 'LeadDeals1764001110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads ADD COLUMN deal_id uuid NULL REFERENCES deals(id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX ix_leads_deal ON leads (deal_id) WHERE deal_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_leads_deal`);
    await q.query(`ALTER TABLE leads DROP COLUMN deal_id`);
  }
}
