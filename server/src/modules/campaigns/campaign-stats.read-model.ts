import { type DataSource } from 'typeorm';

import { type CampaignAttemptOutcome, type CampaignRecordState } from '@contracts/dto/campaign';

import { COUNTED_OUTCOMES } from './campaigns.repository';

/*
 * Read model: a campaign's results over its whole life. Reads campaign_records, campaign_attempts, calls (the
 * talk seconds of an attempt's call) and users (operators' names); writes nothing.
 */

export interface CampaignStatsRows {
  states: { state: CampaignRecordState; n: number }[];
  outcomes: { outcome: CampaignAttemptOutcome; n: number }[];
  dispositions: { disposition: string; n: number }[];
  talkSeconds: number;
  operators: { user_id: string; name: string; attempts: number; connects: number; talk_seconds: number }[];
}

// The call's own talk seconds (answer to hang-up, as analytics counts them); an attempt whose call row is gone or
// was never linked falls back to its own connected → ended span.
const TALK = `coalesce(c.talk_seconds, greatest(0, extract(epoch FROM a.ended_at - a.connected_at)))`;

export class CampaignStatsReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async stats(campaignId: string): Promise<CampaignStatsRows> {
    const q = <T>(sql: string, params: unknown[] = [campaignId]) => this.dataSource.query(sql, params) as Promise<T>;
    const [states, outcomes, dispositions, talk, operators] = await Promise.all([
      q<CampaignStatsRows['states']>(
        `SELECT state, count(*)::int AS n FROM campaign_records WHERE campaign_id = $1 GROUP BY state`,
      ),
      q<CampaignStatsRows['outcomes']>(
        `SELECT outcome, count(*)::int AS n FROM campaign_attempts
         WHERE campaign_id = $1 AND outcome IS NOT NULL GROUP BY outcome`,
      ),
      q<CampaignStatsRows['dispositions']>(
        `SELECT disposition, count(*)::int AS n FROM campaign_attempts
         WHERE campaign_id = $1 AND disposition IS NOT NULL GROUP BY disposition ORDER BY disposition`,
      ),
      q<{ seconds: number }[]>(
        `SELECT coalesce(sum(${TALK}), 0)::int AS seconds
         FROM campaign_attempts a LEFT JOIN calls c ON c.id = a.call_id
         WHERE a.campaign_id = $1 AND a.outcome = 'answered'`,
      ),
      q<CampaignStatsRows['operators']>(
        `SELECT a.user_id, coalesce(u.name, '') AS name,
                count(*) FILTER (WHERE a.outcome = ANY($2))::int AS attempts,
                count(*) FILTER (WHERE a.outcome = 'answered')::int AS connects,
                coalesce(sum(${TALK}) FILTER (WHERE a.outcome = 'answered'), 0)::int AS talk_seconds
         FROM campaign_attempts a LEFT JOIN calls c ON c.id = a.call_id LEFT JOIN users u ON u.id = a.user_id
         WHERE a.campaign_id = $1 AND a.user_id IS NOT NULL AND a.outcome IS NOT NULL
         GROUP BY a.user_id, u.name ORDER BY u.name, a.user_id`,
        [campaignId, COUNTED_OUTCOMES],
      ),
    ]);
    return { states, outcomes, dispositions, talkSeconds: talk[0]?.seconds ?? 0, operators };
  }
}
