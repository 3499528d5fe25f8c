import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Call rollups of analytics (issue #20): per 15-minute UTC bin × direction × queue × operator. Two kinds of row:
 * - `operator_id IS NULL`: every ended call of the bin, queue and direction (blocked dials left out, like the
 *   reports), with cumulative per-second wait histograms, so the SL and short-abandon thresholds stay parameters;
 * - `operator_id` set: the answered calls that operator handled alone (no transfer), for the operators report
 *   (a transferred call is split between its handlers from `call_handlers`, which the report still reads).
 *
 * `zv_analytics_refresh_bins` recomputes whole bins from `calls`, so a refresh is idempotent whatever changed and
 * however often it runs (late wrap-up, transfers, a call closed from CDR); it takes one advisory lock so two
 * nodes refreshing the same bin wait for each other. A statement-level trigger refreshes the bins of deleted calls.
 * The migration fills the table from the calls there are.
 */
export class CreateAnalyticsCallBins1764003200000 implements MigrationInterface {
  name = 'CreateAnalyticsCallBins1764003200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE analytics_call_bins (
        bin timestamptz NOT NULL,
        direction text NOT NULL,
        queue text NOT NULL,
        operator_id uuid NULL,
        offered integer NOT NULL,
        answered integer NOT NULL,
        missed integer NOT NULL,
        abandoned integer NOT NULL,
        failed integer NOT NULL,
        transferred integer NOT NULL,
        wait_n integer NOT NULL,
        wait_sum bigint NOT NULL,
        answered_wait_le integer[] NOT NULL,
        abandoned_wait_le integer[] NOT NULL,
        talk bigint NOT NULL,
        hold bigint NOT NULL,
        handle bigint NOT NULL,
        wrap_measured numeric NOT NULL,
        wrap_default_n integer NOT NULL,
        CONSTRAINT uq_analytics_call_bins UNIQUE NULLS NOT DISTINCT (bin, direction, queue, operator_id)
      )`);
    await q.query(`CREATE INDEX ix_analytics_call_bins_queue ON analytics_call_bins (bin) WHERE operator_id IS NULL`);

    // le[k + 1] = how many of the waits are ≤ k seconds, up to the largest wait (capped at 3600 s, the largest
    // threshold the API accepts); past the array's end the answer is every wait. Waits are ≥ 0 (calls' CHECK).
    await q.query(`
      CREATE FUNCTION zv_wait_le(waits integer[]) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE
        top integer;
        le integer[];
        w integer;
      BEGIN
        IF waits IS NULL OR cardinality(waits) = 0 THEN RETURN '{}'; END IF;
        SELECT least(max(x), 3600) INTO top FROM unnest(waits) x;
        le := array_fill(0, ARRAY[top + 1]);
        FOREACH w IN ARRAY waits LOOP
          IF w <= top THEN le[w + 1] := le[w + 1] + 1; END IF;
        END LOOP;
        FOR i IN 2..top + 1 LOOP
          le[i] := le[i] + le[i - 1];
        END LOOP;
        RETURN le;
      END $$`);

    // The wrap-up cap (600 s) is WRAP_UP_CAP_SECONDS of analytics.repository.ts; the queue's default wrap-up is
    // not stored (it is a setting that may change): the count of calls that take it is, and reports multiply.
    await q.query(`
      CREATE FUNCTION zv_analytics_refresh_bins(bins timestamptz[]) RETURNS void LANGUAGE sql AS $$
      SELECT pg_advisory_xact_lock(hashtext('analytics_call_bins'));
      DELETE FROM analytics_call_bins
        WHERE bin IN (SELECT date_bin('15 minutes', x, TIMESTAMPTZ '2000-01-01 00:00:00+00') FROM unnest(bins) x);
      INSERT INTO analytics_call_bins
      WITH b AS (
        SELECT DISTINCT date_bin('15 minutes', x, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin FROM unnest(bins) x
      ), c AS (
        SELECT b.bin, c.direction, coalesce(c.queue, '') AS queue, c.operator_id, c.disposition, c.wait_seconds,
          greatest(coalesce(c.talk_seconds, 0) - c.hold_seconds, 0) AS talk, c.hold_seconds AS hold,
          coalesce(c.talk_seconds, 0) AS handle,
          CASE WHEN c.wrap_up_at IS NOT NULL AND c.ended_at IS NOT NULL
            THEN least(greatest(extract(epoch FROM c.wrap_up_at - c.ended_at), 0), 600) END AS wrap,
          EXISTS (SELECT 1 FROM call_handlers t WHERE t.call_id = c.id AND t.kind = 'transferred') AS moved
        FROM b JOIN calls c ON c.started_at >= b.bin AND c.started_at < b.bin + interval '15 minutes'
        WHERE c.disposition IS NOT NULL AND c.disposition <> 'blocked'
      )
      SELECT bin, direction, queue, NULL::uuid,
        count(*), count(*) FILTER (WHERE disposition = 'answered'), count(*) FILTER (WHERE disposition = 'missed'),
        count(*) FILTER (WHERE disposition = 'abandoned'), count(*) FILTER (WHERE disposition = 'failed'),
        count(*) FILTER (WHERE moved),
        count(wait_seconds) FILTER (WHERE disposition = 'answered'),
        coalesce(sum(wait_seconds) FILTER (WHERE disposition = 'answered'), 0),
        zv_wait_le(array_agg(wait_seconds) FILTER (WHERE disposition = 'answered' AND wait_seconds IS NOT NULL)),
        zv_wait_le(array_agg(coalesce(wait_seconds, 0)) FILTER (WHERE disposition = 'abandoned')),
        coalesce(sum(talk) FILTER (WHERE disposition = 'answered'), 0),
        coalesce(sum(hold) FILTER (WHERE disposition = 'answered'), 0),
        coalesce(sum(handle) FILTER (WHERE disposition = 'answered'), 0),
        coalesce(sum(wrap) FILTER (WHERE disposition = 'answered'), 0),
        count(*) FILTER (WHERE disposition = 'answered' AND wrap IS NULL)
      FROM c GROUP BY bin, direction, queue
      UNION ALL
      SELECT bin, direction, queue, operator_id, count(*), count(*), 0, 0, 0, 0,
        count(wait_seconds), coalesce(sum(wait_seconds), 0), '{}', '{}', sum(talk), sum(hold), sum(handle),
        coalesce(sum(wrap), 0), count(*) FILTER (WHERE wrap IS NULL)
      FROM c WHERE disposition = 'answered' AND operator_id IS NOT NULL AND NOT moved
      GROUP BY bin, direction, queue, operator_id;
      $$`);
    // Deleted calls leave their bins: rare (erasure, tests' cleanup), so recomputed in the deleting statement.
    // Inserts and updates are not watched here: the pipeline's batches would pay for it (see the rollups service).
    await q.query(`
      CREATE FUNCTION zv_analytics_bins_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM zv_analytics_refresh_bins(array(SELECT DISTINCT started_at FROM deleted_calls));
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_calls_analytics_bins AFTER DELETE ON calls REFERENCING OLD TABLE AS deleted_calls
        FOR EACH STATEMENT EXECUTE FUNCTION zv_analytics_bins_after_delete()`);
    await q.query(`
      SELECT zv_analytics_refresh_bins(
        array(SELECT DISTINCT date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') FROM calls
          WHERE disposition IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_calls_analytics_bins ON calls`);
    await q.query(`DROP FUNCTION zv_analytics_bins_after_delete()`);
    await q.query(`DROP FUNCTION zv_analytics_refresh_bins(timestamptz[])`);
    await q.query(`DROP FUNCTION zv_wait_le(integer[])`);
    await q.query(`DROP TABLE analytics_call_bins`);
  }
}
