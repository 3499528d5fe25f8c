import { type DataSource } from 'typeorm';

import { CAMPAIGN_RETRY_OUTCOMES } from '@contracts/dto/campaign';

/*
 * Read model: outbound campaigns' results for the analytics pages. Reads campaigns, campaign_attempts,
 * campaign_records (owned by campaigns), leads, deals and contact_phones (owned by the CRM modules); writes nothing.
 */

/** The attempts that dialled the customer (the campaigns module's `COUNTED_OUTCOMES`): answered or a retry outcome. */
const DIALLED = ['answered', ...CAMPAIGN_RETRY_OUTCOMES];

export interface CampaignResultRow {
  campaign_id: string;
  name: string;
  attempts: number;
  contacts: number;
  contacted_records: number;
  conversions: number;
}

/**
 * The contacts a record stands for (`r` = the campaign record): its contact, its lead's contact (once converted), its
 * deal's contact, and any contact with its number (an imported list names nobody; a contact may be made on the call).
 */
const PERSONS = `
  SELECT r.entity_id WHERE r.entity_type = 'contact'
  UNION ALL SELECT l.contact_id FROM leads l WHERE r.entity_type = 'lead' AND l.id = r.entity_id
  UNION ALL SELECT dd.contact_id FROM deals dd WHERE r.entity_type = 'deal' AND dd.id = r.entity_id
  UNION ALL SELECT cp.contact_id FROM contact_phones cp WHERE cp.e164 = r.phone_e164`;

/** The deal a lead record's conversion made (`leads.deal_id`), in case it names no contact. */
const LEAD_DEAL = `(SELECT l.deal_id FROM leads l WHERE r.entity_type = 'lead' AND l.id = r.entity_id)`;

export class CampaignResultsReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Per campaign with an attempt started in [`from`, `to`): attempts that dialled the customer, contacts (answered),
   * records contacted, and records converted — a deal of the record's person created at or after one of the range's
   * contacts and less than `conversionDays` after it. `members`: only attempts those operators took.
   */
  async results(from: Date, to: Date, conversionDays: number, members: string[] | null): Promise<CampaignResultRow[]> {
    const params: unknown[] = [from, to, DIALLED, conversionDays];
    if (members) params.push(members);
    const team = members ? ` AND a.user_id = ANY($5::uuid[])` : '';
    return this.dataSource.query(
      `WITH att AS (
         SELECT a.campaign_id, a.record_id, a.outcome, coalesce(a.connected_at, a.started_at) AS contact_at
         FROM campaign_attempts a
         WHERE a.started_at >= $1 AND a.started_at < $2 AND a.outcome = ANY($3)${team}
       ), converted AS (
         SELECT k.campaign_id, count(DISTINCT k.record_id) AS n
         FROM att k JOIN campaign_records r ON r.id = k.record_id
         WHERE k.outcome = 'answered' AND EXISTS (
           SELECT 1 FROM deals d
           WHERE (d.contact_id IN (${PERSONS}) OR d.id = ${LEAD_DEAL})
             AND d.created_at >= k.contact_at AND d.created_at < k.contact_at + make_interval(days => $4::int))
         GROUP BY k.campaign_id
       )
       SELECT c.id AS campaign_id, c.name,
         count(*)::int AS attempts,
         count(*) FILTER (WHERE att.outcome = 'answered')::int AS contacts,
         count(DISTINCT att.record_id) FILTER (WHERE att.outcome = 'answered')::int AS contacted_records,
         coalesce(max(v.n), 0)::int AS conversions
       FROM att JOIN campaigns c ON c.id = att.campaign_id LEFT JOIN converted v ON v.campaign_id = att.campaign_id
       GROUP BY c.id, c.name
       ORDER BY attempts DESC, c.name`,
      params,
    );
  }
}
