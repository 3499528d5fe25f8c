import { type DataSource } from 'typeorm';

/**
 * Reads `calls`, `call_legs`, `tasks`, `leads`, `deals`, `pipeline_stages`, `deal_stage_history` and `users`: the
 * per-person figures of the dashboards (issue #20) and the sales report. Never writes. Every query takes the range as
 * instants `$1` (inclusive) and `$2` (exclusive); calls belong to the range they started in, as in the other reports.
 */

/**
 * A user's outbound or internal call: they were its operator, a leg of it rang them (a card was shown), or nobody
 * answered and it was dialled from their extension (an attempt to an unknown number has no leg and no operator).
 * The last rule uses the extension the user has now: a call dialled from an extension before it was reassigned counts
 * for its new holder.
 */
const USERS_CALL = `(c.operator_id = u.id OR EXISTS (SELECT 1 FROM call_legs l WHERE l.call_id = c.id AND l.user_id = u.id)
  OR (c.operator_id IS NULL AND c.from_raw = u.extension))`;

/** Ended outbound or internal calls of the range (a blocked dial is not an attempt). */
const DIRECTED_IN_RANGE = `c.direction IN ('outbound', 'internal') AND c.ended_at IS NOT NULL
  AND c.disposition IS DISTINCT FROM 'blocked' AND c.started_at >= $1 AND c.started_at < $2`;

export interface DirectionRow {
  user_id: string;
  direction: 'outbound' | 'internal';
  attempts: number;
  connects: number;
  talk: number;
}

export interface PersonCrmRow {
  user_id: string;
  missed_returned: number;
  callbacks_due: number;
  callbacks_in_time: number;
  conversions: number;
  deals_won: number;
}

export interface SalesOwnerRow {
  user_id: string;
  name: string;
  deals_created: number;
  deals_won: number;
  deals_lost: number;
  won_amounts: { currency: string; amount: number }[];
  leads: number;
  leads_with_deal: number;
}

export interface LeadChannelRow {
  channel: 'call' | 'form' | 'campaign' | 'import' | 'manual';
  leads: number;
  with_deal: number;
}

export interface StageTimeRow {
  stage: string;
  median_seconds: number | null;
}

export interface PersonRow {
  id: string;
  name: string;
  extension: string | null;
}

export class AnalyticsRolesReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async people(ids: readonly string[]): Promise<PersonRow[]> {
    return this.dataSource.query(`SELECT id, name, extension FROM users WHERE id = ANY($1::uuid[]) ORDER BY name`, [
      ids,
    ]);
  }

  /** Today and this month on the clock of `tz`, as instants (the targets' periods). */
  async calendar(tz: string): Promise<{ dayFrom: Date; dayTo: Date; monthFrom: Date; monthTo: Date }> {
    const rows: { day_from: Date; day_to: Date; month_from: Date; month_to: Date }[] = await this.dataSource.query(
      `SELECT d AT TIME ZONE $1 AS day_from, (d + interval '1 day') AT TIME ZONE $1 AS day_to,
         m AT TIME ZONE $1 AS month_from, (m + interval '1 month') AT TIME ZONE $1 AS month_to
       FROM (SELECT date_trunc('day', now() AT TIME ZONE $1) AS d, date_trunc('month', now() AT TIME ZONE $1) AS m) x`,
      [tz],
    );
    const r = rows[0]!;
    return { dayFrom: r.day_from, dayTo: r.day_to, monthFrom: r.month_from, monthTo: r.month_to };
  }

  /** Active operators, for a viewer who sees everyone. */
  async operatorIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM users WHERE role = 'operator' AND active ORDER BY name`,
    );
    return rows.map((r) => r.id);
  }

  /** Outbound and internal attempts, connects (answered) and talk seconds per user of `$3`; null = every user. */
  async directions(fromUtc: Date, toUtc: Date, ids: readonly string[] | null): Promise<DirectionRow[]> {
    return this.dataSource.query(
      `SELECT u.id AS user_id, c.direction, count(*)::int AS attempts,
         count(*) FILTER (WHERE c.disposition = 'answered')::int AS connects,
         coalesce(sum(c.talk_seconds) FILTER (WHERE c.disposition = 'answered'), 0)::int AS talk
       FROM users u JOIN calls c ON ${USERS_CALL}
       WHERE ${DIRECTED_IN_RANGE} AND ($3::uuid[] IS NULL OR u.id = ANY($3::uuid[]))
       GROUP BY u.id, c.direction`,
      [fromUtc, toUtc, ids],
    );
  }

  /** The same calls counted once each (an internal call between two users is one call). */
  async directionTotals(fromUtc: Date, toUtc: Date, ids: readonly string[] | null): Promise<DirectionRow[]> {
    return this.dataSource.query(
      `SELECT NULL AS user_id, c.direction, count(*)::int AS attempts,
         count(*) FILTER (WHERE c.disposition = 'answered')::int AS connects,
         coalesce(sum(c.talk_seconds) FILTER (WHERE c.disposition = 'answered'), 0)::int AS talk
       FROM calls c
       WHERE ${DIRECTED_IN_RANGE}
         AND ($3::uuid[] IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = ANY($3::uuid[]) AND ${USERS_CALL}))
       GROUP BY c.direction`,
      [fromUtc, toUtc, ids],
    );
  }

  /**
   * Per user of `$3`:
   * - missed_returned: missed or abandoned inbound calls of the range from a known number that the user called
   *   back (an outbound call of theirs to that number, answered or not) within a day after the miss ended;
   * - callbacks due in the range assigned to them, and how many were done by the due time;
   * - conversions: their leads with `converted_at` in the range; deals_won: their deals closed on a won stage.
   */
  async personCrm(fromUtc: Date, toUtc: Date, ids: readonly string[]): Promise<PersonCrmRow[]> {
    return this.dataSource.query(
      `SELECT u.id AS user_id,
         (SELECT count(DISTINCT m.id) FROM calls m JOIN calls o ON o.to_e164 = m.from_e164
            AND o.direction = 'outbound' AND (o.operator_id = u.id OR (o.operator_id IS NULL AND o.from_raw = u.extension))
            AND o.started_at >= coalesce(m.ended_at, m.started_at)
            AND o.started_at < coalesce(m.ended_at, m.started_at) + interval '1 day'
          WHERE m.direction = 'inbound' AND m.disposition IN ('missed', 'abandoned') AND m.from_e164 IS NOT NULL
            AND m.started_at >= $1 AND m.started_at < $2)::int AS missed_returned,
         (SELECT count(*) FROM tasks t WHERE t.kind = 'callback' AND t.assignee_id = u.id
            AND t.due_at >= $1 AND t.due_at < $2)::int AS callbacks_due,
         (SELECT count(*) FROM tasks t WHERE t.kind = 'callback' AND t.assignee_id = u.id
            AND t.due_at >= $1 AND t.due_at < $2 AND t.done_at <= t.due_at)::int AS callbacks_in_time,
         (SELECT count(*) FROM leads l WHERE l.owner_id = u.id
            AND l.converted_at >= $1 AND l.converted_at < $2)::int AS conversions,
         (SELECT count(*) FROM deals d JOIN pipeline_stages st ON st.pipeline_id = d.pipeline_id AND st.key = d.stage
          WHERE d.owner_id = u.id AND st.kind = 'won' AND d.closed_at >= $1 AND d.closed_at < $2)::int AS deals_won
       FROM users u WHERE u.id = ANY($3::uuid[])`,
      [fromUtc, toUtc, ids],
    );
  }

  /**
   * Per deal owner (`$3` null = everyone): deals created in the range; deals won and lost with `closed_at` in the
   * range and the won amounts per currency; leads created in the range and how many became a deal.
   */
  async salesByOwner(fromUtc: Date, toUtc: Date, ids: readonly string[] | null): Promise<SalesOwnerRow[]> {
    return this.dataSource.query(
      `WITH closed AS (
         SELECT d.owner_id, st.kind, d.currency, count(*)::int AS n, sum(d.amount) AS amount
         FROM deals d JOIN pipeline_stages st ON st.pipeline_id = d.pipeline_id AND st.key = d.stage
         WHERE st.kind IN ('won', 'lost') AND d.closed_at >= $1 AND d.closed_at < $2
         GROUP BY 1, 2, 3
       ), created AS (
         SELECT owner_id, count(*)::int AS n FROM deals WHERE created_at >= $1 AND created_at < $2 GROUP BY 1
       ), lead_counts AS (
         SELECT owner_id, count(*)::int AS n, count(deal_id)::int AS with_deal
         FROM leads WHERE created_at >= $1 AND created_at < $2 GROUP BY 1
       ), owners AS (
         SELECT owner_id FROM closed UNION SELECT owner_id FROM created UNION SELECT owner_id FROM lead_counts
       )
       SELECT u.id AS user_id, u.name,
         coalesce((SELECT n FROM created WHERE owner_id = u.id), 0) AS deals_created,
         coalesce((SELECT sum(n) FROM closed WHERE owner_id = u.id AND kind = 'won'), 0)::int AS deals_won,
         coalesce((SELECT sum(n) FROM closed WHERE owner_id = u.id AND kind = 'lost'), 0)::int AS deals_lost,
         coalesce((SELECT json_agg(json_build_object('currency', trim(currency), 'amount', amount::float8)
                     ORDER BY currency)
                   FROM closed WHERE owner_id = u.id AND kind = 'won'), '[]') AS won_amounts,
         coalesce((SELECT n FROM lead_counts WHERE owner_id = u.id), 0) AS leads,
         coalesce((SELECT with_deal FROM lead_counts WHERE owner_id = u.id), 0) AS leads_with_deal
       FROM owners o JOIN users u ON u.id = o.owner_id
       WHERE $3::uuid[] IS NULL OR u.id = ANY($3::uuid[])
       ORDER BY deals_won DESC, deals_created DESC, u.name`,
      [fromUtc, toUtc, ids],
    );
  }

  /** Leads created in the range per channel, with how many became a deal (`deal_id` set). */
  async leadChannels(fromUtc: Date, toUtc: Date, ids: readonly string[] | null): Promise<LeadChannelRow[]> {
    return this.dataSource.query(
      `SELECT CASE WHEN source = 'web' AND nullif(utm->>'campaign', '') IS NOT NULL THEN 'campaign'
                   WHEN source = 'web' THEN 'form' ELSE source END AS channel,
         count(*)::int AS leads, count(deal_id)::int AS with_deal
       FROM leads
       WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid[] IS NULL OR owner_id = ANY($3::uuid[]))
       GROUP BY 1 ORDER BY leads DESC, channel`,
      [fromUtc, toUtc, ids],
    );
  }

  /**
   * Median seconds a deal of the pipeline created in the range stayed on each stage it left: from entering it (a
   * stage history row) to the next row of the same deal. A deal still on a stage has no finished stay there yet.
   */
  async medianTimeInStage(
    fromUtc: Date,
    toUtc: Date,
    pipelineId: string,
    ids: readonly string[] | null,
  ): Promise<StageTimeRow[]> {
    return this.dataSource.query(
      `WITH stays AS (
         SELECT h.to_stage AS stage, h.to_pipeline_id AS pipeline_id,
           extract(epoch FROM lead(h.changed_at) OVER w - h.changed_at) AS seconds
         FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id
         WHERE d.created_at >= $1 AND d.created_at < $2 AND ($4::uuid[] IS NULL OR d.owner_id = ANY($4::uuid[]))
         WINDOW w AS (PARTITION BY h.deal_id ORDER BY h.changed_at, h.id)
       )
       SELECT stage, (percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds))::float8 AS median_seconds
       FROM stays WHERE pipeline_id = $3 AND seconds IS NOT NULL
       GROUP BY stage`,
      [fromUtc, toUtc, pipelineId, ids],
    );
  }
}
