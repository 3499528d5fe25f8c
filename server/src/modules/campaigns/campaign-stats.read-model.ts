import { type DataSource } from 'typeorm';

import { type CampaignAttemptOutcome, type CampaignRecordState } from '@contracts/dto/campaign';

/*
 * Read model: a campaign's results over its whole life. Reads campaign_records, campaign_attempts and calls (the
 * talk seconds of an attempt's call); writes nothing.
 */

export interface CampaignStatsRows {
  states: { state: CampaignRecordState; n: number }[];
  outcomes: { outcome: CampaignAttemptOutcome; n: number }[];
  dispositions: { disposition: string; n: number }[];
  talkSeconds: number;
}

export class CampaignStatsReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async stats(campaignId: string): Promise<CampaignStatsRows> {
    const q = <T>(sql: string) => this.dataSource.query(sql, [campaignId]) as Promise<T>;
    const [states, outcomes, dispositions, talk] = await Promise.all([
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
      // The call's own talk seconds (answer to hang-up, as analytics counts them); an attempt whose call row is
      // gone or was never linked falls back to its own connected → ended span.
      q<{ seconds: number }[]>(
        `SELECT coalesce(sum(coalesce(c.talk_seconds,
                  greatest(0, extract(epoch FROM a.ended_at - a.connected_at)))), 0)::int AS seconds
         FROM campaign_attempts a LEFT JOIN calls c ON c.id = a.call_id
         WHERE a.campaign_id = $1 AND a.outcome = 'answered'`,
      ),
    ]);
    return { states, outcomes, dispositions, talkSeconds: talk[0]?.seconds ?? 0 };
  }
}
