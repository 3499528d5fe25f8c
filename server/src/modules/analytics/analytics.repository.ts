import { type DataSource } from 'typeorm';

/**
 * The SQL of the dashboards. Every query takes the range as instants `$1` (from, inclusive) and `$2` (to,
 * exclusive), already converted from the caller's wall clock, so `started_at` is compared directly and the partial
 * index `ix_calls_analytics` (inbound, by started_at, covering) serves it. Formulas are documented on
 * AnalyticsService and in the README "Analytics" section.
 */

/** A call belongs to the range in which it started, so a call crossing midnight counts on its first day. */
const INBOUND_IN_RANGE = `c.direction = 'inbound' AND c.disposition IS NOT NULL AND c.started_at >= $1 AND c.started_at < $2`;

/**
 * After-call work of one answered call: measured when the operator submitted the wrap-up form (wrap_up_at − end,
 * capped at 10 minutes so a note edited the next day does not count as work), otherwise the queue's configured
 * wrap-up seconds (analytics_queue_settings), otherwise 0.
 */
export const WRAP_UP_CAP_SECONDS = 600;
const WRAP_UP = `CASE WHEN c.wrap_up_at IS NOT NULL AND c.ended_at IS NOT NULL
    THEN least(greatest(extract(epoch FROM c.wrap_up_at - c.ended_at), 0), ${WRAP_UP_CAP_SECONDS})
    ELSE coalesce(s.wrap_up_seconds, 0) END`;

/** `$3` = SL threshold seconds, `$4` = short-abandon threshold seconds. */
const CALL_KPI_COLUMNS = `
  count(*)::int AS offered,
  count(*) FILTER (WHERE c.disposition = 'answered')::int AS answered,
  count(*) FILTER (WHERE c.disposition = 'missed')::int AS missed,
  count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) >= $4)::int AS abandoned,
  count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) < $4)::int AS short_abandoned,
  count(*) FILTER (WHERE c.disposition = 'failed')::int AS failed,
  count(*) FILTER (WHERE c.disposition = 'answered' AND c.wait_seconds <= $3)::int AS answered_within_sl,
  (avg(c.wait_seconds) FILTER (WHERE c.disposition = 'answered'))::float8 AS asa,
  coalesce(sum(greatest(coalesce(c.talk_seconds, 0) - c.hold_seconds, 0))
    FILTER (WHERE c.disposition = 'answered'), 0)::float8 AS talk,
  coalesce(sum(c.hold_seconds) FILTER (WHERE c.disposition = 'answered'), 0)::float8 AS hold,
  coalesce(sum(${WRAP_UP}) FILTER (WHERE c.disposition = 'answered'), 0)::float8 AS wrap`;

export interface CallKpiRow {
  offered: number;
  answered: number;
  missed: number;
  abandoned: number;
  short_abandoned: number;
  failed: number;
  answered_within_sl: number;
  asa: number | null;
  talk: number;
  hold: number;
  wrap: number;
}

export interface QueueKpiRow extends CallKpiRow {
  queue: string | null;
}

export interface OperatorKpiRow {
  user_id: string;
  name: string;
  extension: string | null;
  handled: number;
  answered: number;
  transfers_in: number;
  handle: number;
  hold: number;
  wrap: number;
  asa: number | null;
}

export interface HeatmapRow {
  weekday: number;
  hour: number;
  offered: number;
  answered: number;
  abandoned: number;
  avg_wait: number | null;
}

export interface OccupancyRow {
  user_id: string;
  handling: number;
  staffed: number;
}

export interface CrmRow {
  callbacks_due: number;
  callbacks_in_time: number;
  callbacks_late: number;
  callbacks_open: number;
  leads_created: number;
  leads_from_calls: number;
  leads_converted: number;
}

export interface DealAverageRow {
  currency: string;
  deals: number;
  average: number;
}

export interface Bounds {
  fromUtc: Date;
  toUtc: Date;
}

export class AnalyticsRepository {
  private stateHistoryKnown: boolean | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Wall-clock bounds in `tz` → instants; Postgres applies the zone's rules (DST included) for that date. */
  async bounds(from: string, to: string, tz: string): Promise<Bounds> {
    const rows: { from_utc: Date; to_utc: Date }[] = await this.dataSource.query(
      `SELECT ($1::timestamp AT TIME ZONE $3::text) AS from_utc, ($2::timestamp AT TIME ZONE $3::text) AS to_utc`,
      [from, to, tz],
    );
    return { fromUtc: rows[0]!.from_utc, toUtc: rows[0]!.to_utc };
  }

  async callKpis(b: Bounds, slSeconds: number, shortAbandon: number): Promise<CallKpiRow> {
    const rows: CallKpiRow[] = await this.dataSource.query(
      `SELECT ${CALL_KPI_COLUMNS}
       FROM calls c LEFT JOIN analytics_queue_settings s ON s.queue = c.queue
       WHERE ${INBOUND_IN_RANGE}`,
      [b.fromUtc, b.toUtc, slSeconds, shortAbandon],
    );
    return rows[0]!;
  }

  /** Calls of the range with at least one transfer event; the call counts once however often it moved. */
  async transferredCalls(b: Bounds): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM calls c
       WHERE ${INBOUND_IN_RANGE}
         AND EXISTS (SELECT 1 FROM call_handlers h WHERE h.call_id = c.id AND h.kind = 'transferred')`,
      [b.fromUtc, b.toUtc],
    );
    return rows[0]!.n;
  }

  async queueKpis(b: Bounds, slSeconds: number, shortAbandon: number): Promise<QueueKpiRow[]> {
    return this.dataSource.query(
      `SELECT c.queue, ${CALL_KPI_COLUMNS}
       FROM calls c LEFT JOIN analytics_queue_settings s ON s.queue = c.queue
       WHERE ${INBOUND_IN_RANGE}
       GROUP BY c.queue ORDER BY offered DESC, c.queue NULLS LAST`,
      [b.fromUtc, b.toUtc, slSeconds, shortAbandon],
    );
  }

  /**
   * One segment per handler of each answered call: from the handler's answer/transfer event to the next handler's
   * event (or the call's end). Hold and wrap-up are stored per call, so they go to the last handler. A call with no
   * handler rows (e.g. closed from CDR) falls back to calls.operator_id with its whole talk time.
   */
  async operatorKpis(b: Bounds): Promise<OperatorKpiRow[]> {
    return this.dataSource.query(
      `WITH p AS (
         SELECT c.id, c.ended_at, c.wait_seconds, c.hold_seconds, c.talk_seconds, c.operator_id, ${WRAP_UP} AS wrap
         FROM calls c LEFT JOIN analytics_queue_settings s ON s.queue = c.queue
         WHERE ${INBOUND_IN_RANGE} AND c.disposition = 'answered'
       ), h AS (
         SELECT h.call_id, h.user_id, h.kind, h.at,
           lead(h.at) OVER w AS next_at,
           row_number() OVER w = 1 AS is_first,
           row_number() OVER (PARTITION BY h.call_id ORDER BY h.seq DESC) = 1 AS is_last
         FROM call_handlers h JOIN p ON p.id = h.call_id
         WINDOW w AS (PARTITION BY h.call_id ORDER BY h.seq)
       ), seg AS (
         SELECT h.user_id, h.call_id, h.is_first AND h.kind = 'answered' AS answered_first,
           h.kind = 'transferred' AS by_transfer, h.is_last,
           greatest(extract(epoch FROM coalesce(h.next_at, p.ended_at) - h.at), 0) AS seconds,
           p.wait_seconds, p.hold_seconds, p.wrap
         FROM h JOIN p ON p.id = h.call_id
         UNION ALL
         SELECT p.operator_id, p.id, true, false, true, coalesce(p.talk_seconds, 0), p.wait_seconds, p.hold_seconds,
           p.wrap
         FROM p WHERE p.operator_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM call_handlers x WHERE x.call_id = p.id)
       )
       SELECT u.id AS user_id, u.name, u.extension,
         count(DISTINCT seg.call_id)::int AS handled,
         count(DISTINCT seg.call_id) FILTER (WHERE seg.answered_first)::int AS answered,
         count(DISTINCT seg.call_id) FILTER (WHERE seg.by_transfer)::int AS transfers_in,
         round(sum(seg.seconds))::float8 AS handle,
         coalesce(sum(seg.hold_seconds) FILTER (WHERE seg.is_last), 0)::float8 AS hold,
         coalesce(sum(seg.wrap) FILTER (WHERE seg.is_last), 0)::float8 AS wrap,
         (avg(seg.wait_seconds) FILTER (WHERE seg.answered_first))::float8 AS asa
       FROM seg JOIN users u ON u.id = seg.user_id
       GROUP BY u.id, u.name, u.extension
       ORDER BY handled DESC, u.name`,
      [b.fromUtc, b.toUtc],
    );
  }

  /** `$3` = tz, `$4` = short-abandon threshold. */
  async heatmap(b: Bounds, tz: string, shortAbandon: number): Promise<HeatmapRow[]> {
    return this.dataSource.query(
      `SELECT extract(isodow FROM c.started_at AT TIME ZONE $3::text)::int AS weekday,
         extract(hour FROM c.started_at AT TIME ZONE $3::text)::int AS hour,
         count(*)::int AS offered,
         count(*) FILTER (WHERE c.disposition = 'answered')::int AS answered,
         count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) >= $4)::int AS abandoned,
         (avg(c.wait_seconds) FILTER (WHERE c.disposition = 'answered'))::float8 AS avg_wait
       FROM calls c
       WHERE ${INBOUND_IN_RANGE}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [b.fromUtc, b.toUtc, tz, shortAbandon],
    );
  }

  /**
   * Seconds of each operator's state intervals clipped to the range: handling = on-call + ringing + wrap-up,
   * staffed = handling + available (break and offline are not staffed time). An open interval runs until now.
   * Empty when the agent state history table is not there (the agents module is not deployed).
   */
  async occupancy(b: Bounds): Promise<OccupancyRow[]> {
    this.stateHistoryKnown ??= await this.hasStateHistory();
    if (!this.stateHistoryKnown) return [];
    return this.dataSource.query(
      `SELECT user_id,
         coalesce(sum(overlap) FILTER (WHERE state IN ('on-call', 'ringing', 'wrap-up')), 0)::float8 AS handling,
         coalesce(sum(overlap) FILTER (WHERE state IN ('on-call', 'ringing', 'wrap-up', 'available')), 0)::float8
           AS staffed
       FROM (
         SELECT user_id, state,
           extract(epoch FROM least(coalesce(ended_at, now()), $2) - greatest(started_at, $1)) AS overlap
         FROM agent_state_history
         WHERE started_at < $2 AND (ended_at IS NULL OR ended_at > $1)
       ) x
       WHERE overlap > 0
       GROUP BY user_id`,
      [b.fromUtc, b.toUtc],
    );
  }

  private async hasStateHistory(): Promise<boolean> {
    const rows: { t: string | null }[] = await this.dataSource.query(
      `SELECT to_regclass('agent_state_history')::text AS t`,
    );
    return rows[0]?.t != null;
  }

  /**
   * Callbacks by due time in the range (done in time: done_at ≤ due_at); leads by creation time in the range
   * (converted: status now 'converted', a cohort measure).
   */
  async crm(b: Bounds): Promise<CrmRow> {
    const rows: CrmRow[] = await this.dataSource.query(
      `SELECT t.*, l.* FROM
         (SELECT count(*)::int AS callbacks_due,
            count(*) FILTER (WHERE done_at IS NOT NULL AND done_at <= due_at)::int AS callbacks_in_time,
            count(*) FILTER (WHERE done_at > due_at)::int AS callbacks_late,
            count(*) FILTER (WHERE done_at IS NULL)::int AS callbacks_open
          FROM tasks WHERE kind = 'callback' AND due_at >= $1 AND due_at < $2) t,
         (SELECT count(*)::int AS leads_created,
            count(*) FILTER (WHERE source = 'call')::int AS leads_from_calls,
            count(*) FILTER (WHERE status = 'converted')::int AS leads_converted
          FROM leads WHERE created_at >= $1 AND created_at < $2) l`,
      [b.fromUtc, b.toUtc],
    );
    return rows[0]!;
  }

  /** Mean amount of deals won (closed_at in the range), per currency: amounts in different currencies never mix. */
  async dealAverages(b: Bounds): Promise<DealAverageRow[]> {
    return this.dataSource.query(
      `SELECT currency, count(*)::int AS deals, round(avg(amount), 2)::float8 AS average
       FROM deals WHERE stage = 'won' AND closed_at >= $1 AND closed_at < $2
       GROUP BY currency ORDER BY deals DESC, currency`,
      [b.fromUtc, b.toUtc],
    );
  }
}
