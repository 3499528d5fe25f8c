import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Operator rollups of analytics (issue #20): the operators report over a year read each transferred call's handler
 * rows raw and summed one `analytics_call_bins` operator row per answered call (1.4 s at 1M calls). Two tables:
 * - `analytics_operator_bins`: per 15-minute UTC bin (of the call's start) × queue × operator, the operators
 *   report's sums over every answered inbound call, transferred ones split between their handlers from
 *   `call_handlers` (segment from the handler's row to the next one or the call's end; hold and wrap-up go to the
 *   last handler; a call counts once per operator who handled it);
 * - `analytics_operator_days` and `analytics_operator_months`: the same summed per UTC day and UTC month, so a year
 *   is ≈ operators × queues × 12 rows plus the days and bins at its edges.
 *
 * A refresh recomputes whole bins from `calls` and `call_handlers`, then their days from the bins and their months
 * from the days (a refresh of a few bins sums one month of day rows): idempotent like
 * `zv_analytics_refresh_bins`, under the same advisory lock. The delete trigger of calls refreshes them too. Handler
 * rows are read whatever their time (the report reads them raw from the range start to a day past its end).
 */
export class CreateAnalyticsOperatorRollups1764004000000 implements MigrationInterface {
  name = 'CreateAnalyticsOperatorRollups1764004000000';

  async up(q: QueryRunner): Promise<void> {
    const columns = `
        queue text NOT NULL,
        operator_id uuid NOT NULL,
        handled integer NOT NULL,
        answered integer NOT NULL,
        transfers_in integer NOT NULL,
        handle numeric NOT NULL,
        hold bigint NOT NULL,
        wrap_measured numeric NOT NULL,
        wrap_default_n integer NOT NULL,
        wait_sum bigint NOT NULL,
        wait_n integer NOT NULL`;
    await q.query(`CREATE TABLE analytics_operator_bins (bin timestamptz NOT NULL, ${columns},
      PRIMARY KEY (bin, queue, operator_id))`);
    await q.query(`CREATE TABLE analytics_operator_days (day timestamptz NOT NULL, ${columns},
      PRIMARY KEY (day, queue, operator_id))`);
    await q.query(`CREATE TABLE analytics_operator_months (month timestamptz NOT NULL, ${columns},
      PRIMARY KEY (month, queue, operator_id))`);

    // The formulas are the operators report's (AnalyticsReadModel.operatorKpis); the wrap-up cap of 600 s is
    // WRAP_UP_CAP_SECONDS, and the queue's default wrap-up is a setting, so only the count of calls taking it is kept.
    await q.query(`
      CREATE FUNCTION zv_analytics_refresh_operator_bins(bins timestamptz[]) RETURNS void LANGUAGE sql AS $$
      SELECT pg_advisory_xact_lock(hashtext('analytics_call_bins'));
      DELETE FROM analytics_operator_bins
        WHERE bin IN (SELECT date_bin('15 minutes', x, TIMESTAMPTZ '2000-01-01 00:00:00+00') FROM unnest(bins) x);
      INSERT INTO analytics_operator_bins
      WITH b AS (
        SELECT DISTINCT date_bin('15 minutes', x, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin FROM unnest(bins) x
      ), c AS MATERIALIZED (
        SELECT b.bin, coalesce(c.queue, '') AS queue, c.id, c.operator_id, c.ended_at, c.wait_seconds,
          c.hold_seconds, coalesce(c.talk_seconds, 0) AS talk,
          CASE WHEN c.wrap_up_at IS NOT NULL AND c.ended_at IS NOT NULL
            THEN least(greatest(extract(epoch FROM c.wrap_up_at - c.ended_at), 0), 600) END AS wrap,
          EXISTS (SELECT 1 FROM call_handlers t WHERE t.call_id = c.id AND t.kind = 'transferred') AS moved
        FROM b JOIN calls c ON c.started_at >= b.bin AND c.started_at < b.bin + interval '15 minutes'
        WHERE c.direction = 'inbound' AND c.disposition = 'answered'
      ), h AS (
        SELECT c.bin, c.queue, h.call_id, h.user_id, h.kind, h.at, c.ended_at, c.wait_seconds, c.hold_seconds, c.wrap,
          lead(h.at) OVER w AS next_at, row_number() OVER w AS n
        FROM c JOIN call_handlers h ON h.call_id = c.id
        WHERE c.moved
        WINDOW w AS (PARTITION BY h.call_id ORDER BY h.seq)
      ), x AS (
        SELECT bin, queue, user_id,
          count(DISTINCT call_id) AS handled,
          count(DISTINCT call_id) FILTER (WHERE n = 1 AND kind = 'answered') AS answered,
          count(DISTINCT call_id) FILTER (WHERE kind = 'transferred') AS transfers_in,
          sum(greatest(extract(epoch FROM coalesce(next_at, ended_at) - at), 0)) AS handle,
          coalesce(sum(hold_seconds) FILTER (WHERE next_at IS NULL), 0) AS hold,
          coalesce(sum(wrap) FILTER (WHERE next_at IS NULL), 0) AS wrap_measured,
          count(*) FILTER (WHERE next_at IS NULL AND wrap IS NULL) AS wrap_default_n,
          coalesce(sum(wait_seconds) FILTER (WHERE n = 1 AND kind = 'answered'), 0) AS wait_sum,
          count(wait_seconds) FILTER (WHERE n = 1 AND kind = 'answered') AS wait_n
        FROM h WHERE user_id IS NOT NULL GROUP BY bin, queue, user_id
        UNION ALL
        SELECT bin, queue, operator_id, count(*), count(*), 0, sum(talk), sum(hold_seconds), coalesce(sum(wrap), 0),
          count(*) FILTER (WHERE wrap IS NULL), coalesce(sum(wait_seconds), 0), count(wait_seconds)
        FROM c WHERE NOT moved AND operator_id IS NOT NULL GROUP BY bin, queue, operator_id
      )
      SELECT bin, queue, user_id, sum(handled), sum(answered), sum(transfers_in), sum(handle), sum(hold),
        sum(wrap_measured), sum(wrap_default_n), sum(wait_sum), sum(wait_n)
      FROM x GROUP BY bin, queue, user_id;

      DELETE FROM analytics_operator_days
        WHERE day IN (SELECT date_bin('1 day', x, TIMESTAMPTZ '2000-01-01 00:00:00+00') FROM unnest(bins) x);
      INSERT INTO analytics_operator_days
      SELECT d.day, o.queue, o.operator_id, sum(o.handled), sum(o.answered), sum(o.transfers_in), sum(o.handle),
        sum(o.hold), sum(o.wrap_measured), sum(o.wrap_default_n), sum(o.wait_sum), sum(o.wait_n)
      FROM (SELECT DISTINCT date_bin('1 day', x, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day FROM unnest(bins) x) d
        JOIN analytics_operator_bins o ON o.bin >= d.day AND o.bin < d.day + interval '24 hours'
      GROUP BY d.day, o.queue, o.operator_id;

      DELETE FROM analytics_operator_months WHERE month IN (SELECT date_trunc('month', x, 'UTC') FROM unnest(bins) x);
      INSERT INTO analytics_operator_months
      SELECT m.month, o.queue, o.operator_id, sum(o.handled), sum(o.answered), sum(o.transfers_in), sum(o.handle),
        sum(o.hold), sum(o.wrap_measured), sum(o.wrap_default_n), sum(o.wait_sum), sum(o.wait_n)
      FROM (SELECT DISTINCT date_trunc('month', x, 'UTC') AS month FROM unnest(bins) x) m
        JOIN analytics_operator_days o
          ON o.day >= m.month AND o.day < (m.month AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC'
      GROUP BY m.month, o.queue, o.operator_id;
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION zv_analytics_bins_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        bins timestamptz[] := array(SELECT DISTINCT started_at FROM deleted_calls);
      BEGIN
        PERFORM zv_analytics_refresh_bins(bins);
        PERFORM zv_analytics_refresh_operator_bins(bins);
        RETURN NULL;
      END $$`);
    await q.query(`
      SELECT zv_analytics_refresh_operator_bins(
        array(SELECT DISTINCT date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') FROM calls
          WHERE disposition = 'answered'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION zv_analytics_bins_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM zv_analytics_refresh_bins(array(SELECT DISTINCT started_at FROM deleted_calls));
        RETURN NULL;
      END $$`);
    await q.query(`DROP FUNCTION zv_analytics_refresh_operator_bins(timestamptz[])`);
    await q.query(`DROP TABLE analytics_operator_months`);
    await q.query(`DROP TABLE analytics_operator_days`);
    await q.query(`DROP TABLE analytics_operator_bins`);
  }
}
