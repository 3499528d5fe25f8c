import { type DataSource } from 'typeorm';

import { BIN_MS } from './analytics-rollups.repository';
import { type RollupWindow } from './analytics-rollups.service';

/**
 * The dashboards' read model (the wallboard's queue figures too): it reads calls, call_handlers, leads, deals,
 * pipeline_stages and analytics' own settings across modules, and writes nothing.
 *
 * The SQL of the dashboards. Every query takes the range as instants `$1` (from, inclusive) and `$2` (to,
 * exclusive), already converted from the caller's wall clock, so `started_at` is compared directly and the partial
 * index `ix_calls_analytics` (inbound, by started_at, covering) serves it. Formulas are documented on
 * AnalyticsService and in the README "Analytics" section.
 */

/**
 * A call belongs to the range in which it started, so a call crossing midnight counts on its first day. A call the PBX
 * refused by policy (`blocked`: the caller is on the blocked list) was never offered to anyone and is left out.
 */
const INBOUND = (range: string) => `c.direction = 'inbound' AND c.disposition IS NOT NULL
  AND c.disposition <> 'blocked' AND ${range}`;
const INBOUND_IN_RANGE = INBOUND('c.started_at >= $1 AND c.started_at < $2');

/**
 * After-call work of one answered call: measured when the operator submitted the wrap-up form (wrap_up_at − end,
 * capped at 10 minutes so a note edited the next day does not count as work), otherwise the queue's configured
 * wrap-up seconds (analytics_queue_settings), otherwise 0.
 */
export const WRAP_UP_CAP_SECONDS = 600;
const WRAP_UP = `CASE WHEN c.wrap_up_at IS NOT NULL AND c.ended_at IS NOT NULL
    THEN least(greatest(extract(epoch FROM c.wrap_up_at - c.ended_at), 0), ${WRAP_UP_CAP_SECONDS})
    ELSE coalesce(s.wrap_up_seconds, 0) END`;

/** Measured wrap-up of an answered call (0 when the queue's default applies instead, counted apart). */
const MEASURED = `c.wrap_up_at IS NOT NULL AND c.ended_at IS NOT NULL`;
const MEASURED_WRAP = `CASE WHEN ${MEASURED}
    THEN least(greatest(extract(epoch FROM c.wrap_up_at - c.ended_at), 0), ${WRAP_UP_CAP_SECONDS}) ELSE 0 END`;

/** The call went through a transfer; transfer rows are read by time (see operatorKpis). */
const TRANSFERRED = (callId: string) => `EXISTS (SELECT 1 FROM call_handlers t WHERE t.call_id = ${callId}
    AND t.kind = 'transferred' AND t.at >= $1 AND t.at < $2::timestamptz + interval '1 day')`;

/**
 * Call figures as sums that add up across rows (ratios and means are taken over the added sums), per queue: from
 * calls (`RAW_KPI_FACTS`, the parts of the range read raw) and from rollups (`ROLLUP_KPI_FACTS`, whole bins). `$3` =
 * SL threshold seconds, `$4` = short-abandon threshold seconds. In the rollups, `*_wait_le[k + 1]` counts the waits
 * ≤ k s (past the array's end: all of them), so "wait ≤ SL" = `answered_wait_le[$3 + 1]` and "wait < short" =
 * `abandoned_wait_le[$4]`; the queue's default wrap-up is multiplied in at read time (it is a setting).
 */
const RAW_KPI_FACTS = (range: string, cond: string) => `
  SELECT c.queue,
    count(*) AS offered,
    count(*) FILTER (WHERE c.disposition = 'answered') AS answered,
    count(*) FILTER (WHERE c.disposition = 'missed') AS missed,
    count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) >= $4::int) AS abandoned,
    count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) < $4::int) AS short_abandoned,
    count(*) FILTER (WHERE c.disposition = 'failed') AS failed,
    count(*) FILTER (WHERE c.disposition = 'answered' AND c.wait_seconds <= $3::int) AS answered_within_sl,
    sum(c.wait_seconds) FILTER (WHERE c.disposition = 'answered') AS wait_sum,
    count(c.wait_seconds) FILTER (WHERE c.disposition = 'answered') AS wait_n,
    sum(greatest(coalesce(c.talk_seconds, 0) - c.hold_seconds, 0)) FILTER (WHERE c.disposition = 'answered') AS talk,
    sum(c.hold_seconds) FILTER (WHERE c.disposition = 'answered') AS hold,
    sum(${MEASURED_WRAP}) FILTER (WHERE c.disposition = 'answered') AS wrap_measured,
    count(*) FILTER (WHERE c.disposition = 'answered' AND NOT (${MEASURED})) AS wrap_default_n
  FROM calls c WHERE ${INBOUND(range)}${cond} GROUP BY c.queue`;

const SHORT = `CASE WHEN $4::int <= 0 THEN 0 ELSE coalesce(r.abandoned_wait_le[$4::int], r.abandoned) END`;
const QUEUE_BINS = (window: string) => `analytics_call_bins r
  WHERE r.operator_id IS NULL AND r.direction = 'inbound' AND ${window}`;

const ROLLUP_KPI_FACTS = (window: string) => `
  SELECT nullif(r.queue, '') AS queue, sum(r.offered) AS offered, sum(r.answered) AS answered,
    sum(r.missed) AS missed, sum(r.abandoned - ${SHORT}) AS abandoned, sum(${SHORT}) AS short_abandoned,
    sum(r.failed) AS failed, sum(coalesce(r.answered_wait_le[$3::int + 1], r.wait_n)) AS answered_within_sl,
    sum(r.wait_sum) AS wait_sum, sum(r.wait_n) AS wait_n, sum(r.talk) AS talk, sum(r.hold) AS hold,
    sum(r.wrap_measured) AS wrap_measured, sum(r.wrap_default_n) AS wrap_default_n
  FROM ${QUEUE_BINS(window)} GROUP BY r.queue`;

/** Over facts `f` joined to the queue settings `s`: the figures of CallKpiRow. */
const CALL_KPI_COLUMNS = `
  coalesce(sum(f.offered), 0)::int AS offered,
  coalesce(sum(f.answered), 0)::int AS answered,
  coalesce(sum(f.missed), 0)::int AS missed,
  coalesce(sum(f.abandoned), 0)::int AS abandoned,
  coalesce(sum(f.short_abandoned), 0)::int AS short_abandoned,
  coalesce(sum(f.failed), 0)::int AS failed,
  coalesce(sum(f.answered_within_sl), 0)::int AS answered_within_sl,
  (sum(f.wait_sum) / nullif(sum(f.wait_n), 0))::float8 AS asa,
  coalesce(sum(f.talk), 0)::float8 AS talk,
  coalesce(sum(f.hold), 0)::float8 AS hold,
  (coalesce(sum(f.wrap_measured), 0) + coalesce(sum(f.wrap_default_n * coalesce(s.wrap_up_seconds, 0)), 0))::float8
    AS wrap`;

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

export interface DailyRow {
  date: string;
  offered: number;
  answered: number;
  abandoned: number;
  short_abandoned: number;
  answered_within_sl: number;
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
  leads_with_deal: number;
  leads_with_won_deal: number;
}

export interface DealAverageRow {
  currency: string;
  deals: number;
  average: number;
}

export interface QueueSettingRow {
  queue: string;
  wrap_up_seconds: number;
  updated_at: Date;
}

export interface LeadSourceRow {
  source: 'call' | 'web' | 'manual' | 'import';
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  leads: number;
  converted: number;
}

export interface Bounds {
  fromUtc: Date;
  toUtc: Date;
  /** A team filter: only calls that rang at or were handled by these users, their records and their states. */
  members?: string[] | null;
  /** Whole bins read from rollups (never with a team filter: rollups do not know who a call rang at); else raw. */
  rollup?: RollupWindow | null;
  /** CRM figures (callbacks, leads) of whole UTC days read from the day rollups, a team's too; else raw. */
  crmDays?: boolean;
}

/**
 * The condition on `c.started_at` for what is read from calls: the whole range, or with rollups its partial edge
 * bins and the bins whose refresh is pending. Pushes its parameters onto `params`.
 */
function rawRange(b: Bounds, params: unknown[]): string {
  if (!b.rollup) return `c.started_at >= $1 AND c.started_at < $2`;
  const { binFrom, binTo, stale } = b.rollup;
  const parts: [Date, Date][] = [
    [b.fromUtc, binFrom],
    [binTo, b.toUtc],
    ...stale.map((bin): [Date, Date] => [bin, new Date(bin.getTime() + BIN_MS)]),
  ];
  const conditions = parts
    .filter(([lo, hi]) => lo < hi)
    .map(([lo, hi]) => {
      params.push(lo, hi);
      return `c.started_at >= $${params.length - 1} AND c.started_at < $${params.length}`;
    });
  // Names $1 and $2 (a one-time test) so Postgres knows their types even when no part starts at them.
  const ranges = conditions.length > 0 ? conditions.join(' OR ') : 'false';
  return `$1::timestamptz <= $2::timestamptz AND (${ranges})`;
}

/** The condition on `r.bin` for the bins read from rollups, or null when none are. */
function rollupRange(b: Bounds, params: unknown[]): string | null {
  if (!b.rollup) return null;
  params.push(b.rollup.binFrom, b.rollup.binTo, b.rollup.stale);
  const n = params.length;
  return `r.bin >= $${n - 2} AND r.bin < $${n - 1} AND r.bin <> ALL($${n}::timestamptz[])`;
}

/** Per operator from one operator rollup table `table` (alias r) over the rows matching `where`. */
const OPERATOR_ROLLUP = (table: string, where: string) => `
  SELECT r.operator_id AS user_id, sum(r.handled) AS handled, sum(r.answered) AS answered,
    sum(r.transfers_in) AS transfers_in, sum(r.handle) AS handle, sum(r.hold) AS hold,
    sum(r.wrap_measured + r.wrap_default_n * coalesce(s.wrap_up_seconds, 0)) AS wrap,
    sum(r.wait_sum) AS wait_sum, sum(r.wait_n) AS wait_n
  FROM ${table} r LEFT JOIN analytics_queue_settings s ON s.queue = nullif(r.queue, '')
  WHERE ${where}
  GROUP BY r.operator_id`;

/** A level of the operator rollups: its table and key column, and its UTC units (ms since the epoch). */
interface RollupLevel {
  table: string;
  key: string;
  floor: (t: number) => number;
  next: (unit: number) => number;
}

const DAY_MS = 86_400_000;
const monthStart = (t: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
/** Finest first: 15-minute bins, UTC days, UTC months (migration 1764004000000-CreateAnalyticsOperatorRollups). */
const OPERATOR_LEVELS: readonly RollupLevel[] = [
  {
    table: 'analytics_operator_bins',
    key: 'bin',
    floor: (t) => Math.floor(t / BIN_MS) * BIN_MS,
    next: (u) => u + BIN_MS,
  },
  {
    table: 'analytics_operator_days',
    key: 'day',
    floor: (t) => Math.floor(t / DAY_MS) * DAY_MS,
    next: (u) => u + DAY_MS,
  },
  { table: 'analytics_operator_months', key: 'month', floor: monthStart, next: (u) => monthStart(u + 32 * DAY_MS) },
];

/**
 * The operators report's rollup parts of a window, coarsest first: whole UTC months, then the whole UTC days around
 * them, then the 15-minute bins around those. A month or day with a pending bin is read one level finer, and the
 * pending bins themselves from calls (rawRange), so each bin of the window is read exactly once.
 */
function operatorRollups(w: RollupWindow, params: unknown[]): string[] {
  const parts = OPERATOR_LEVELS.map(() => ({ ranges: [] as [number, number][], skip: new Set<number>() }));
  const stale = w.stale.map((b) => b.getTime());
  // [lo, hi), aligned to level i, read at level i; its units holding a pending bin one level finer.
  const read = (i: number, lo: number, hi: number): void => {
    if (lo >= hi) return;
    const level = OPERATOR_LEVELS[i]!;
    parts[i]!.ranges.push([lo, hi]);
    for (const unit of new Set(stale.filter((b) => b >= lo && b < hi).map(level.floor))) {
      parts[i]!.skip.add(unit);
      if (i > 0) read(i - 1, unit, level.next(unit));
    }
  };
  // [lo, hi), aligned to level i: the whole units of the next level inside it go up, the rest is read here.
  const cover = (i: number, lo: number, hi: number): void => {
    const up = OPERATOR_LEVELS[i + 1];
    const upFrom = up && (up.floor(lo) === lo ? lo : up.next(up.floor(lo)));
    const upTo = up?.floor(hi);
    if (!up || upFrom! >= upTo!) return read(i, lo, hi);
    read(i, lo, upFrom!);
    cover(i + 1, upFrom!, upTo!);
    read(i, upTo!, hi);
  };
  cover(0, w.binFrom.getTime(), w.binTo.getTime());
  return parts.flatMap(({ ranges, skip }, i) => {
    if (ranges.length === 0) return [];
    const { table, key } = OPERATOR_LEVELS[i]!;
    const conditions = ranges.map(([lo, hi]) => {
      params.push(new Date(lo), new Date(hi));
      return `r.${key} >= $${params.length - 1} AND r.${key} < $${params.length}`;
    });
    params.push([...skip].map((u) => new Date(u)));
    return [
      OPERATOR_ROLLUP(table, `(${conditions.join(' OR ')}) AND r.${key} <> ALL($${params.length}::timestamptz[])`),
    ];
  });
}

/** `raw` and, when there are rollup bins, `UNION ALL` the rollup part. */
const facts = (raw: string, rollup: string | null) => (rollup ? `${raw}\n  UNION ALL ${rollup}` : raw);

/** The call rang at (a leg) or was handled by one of the users in placeholder `p` (a uuid[]). */
const TEAM_CALL = (p: string) =>
  `(c.operator_id = ANY(${p}) OR EXISTS (SELECT 1 FROM call_legs tl WHERE tl.call_id = c.id AND tl.user_id = ANY(${p})))`;

/** `sql` with the team condition added when `b` has members; the members go last in `params`. */
function team(b: Bounds, params: unknown[], condition: (p: string) => string): [string, unknown[]] {
  if (!b.members) return ['', params];
  return [` AND ${condition(`$${params.length + 1}::uuid[]`)}`, [...params, b.members]];
}

export interface FunnelStageRow {
  key: string;
  name_ru: string;
  name_en: string;
  position: number;
  kind: 'open' | 'won' | 'lost';
  probability: number;
  currency: string | null;
  deals: number;
  amount: string;
}

export class AnalyticsReadModel {
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
    const rows = await this.queueFacts(b, slSeconds, shortAbandon, (f) => `SELECT ${CALL_KPI_COLUMNS} ${f}`);
    return rows[0]! as CallKpiRow;
  }

  /** `select` gets the FROM clause of the call facts of the range, joined to the queue settings. */
  private queueFacts(
    b: Bounds,
    slSeconds: number,
    shortAbandon: number,
    select: (from: string) => string,
  ): Promise<QueueKpiRow[]> {
    const base: unknown[] = [b.fromUtc, b.toUtc, slSeconds, shortAbandon];
    const raw = rawRange(b, base);
    const rollup = rollupRange(b, base);
    const [cond, params] = team(b, base, TEAM_CALL);
    return this.dataSource.query(
      select(`FROM (${facts(RAW_KPI_FACTS(raw, cond), rollup && ROLLUP_KPI_FACTS(rollup))}) f
       LEFT JOIN analytics_queue_settings s ON s.queue = f.queue`),
      params,
    );
  }

  /**
   * Calls of the range with at least one transfer event; the call counts once however often it moved. A transfer
   * happens after the call started, so only transfer rows from `from` to a day past `to` are read (a call
   * transferred more than a day after it started is not seen as transferred).
   */
  async transferredCalls(b: Bounds): Promise<number> {
    if (b.rollup) {
      // Per call of the edges (few), and the rollups' count of calls with a transfer row.
      const base: unknown[] = [b.fromUtc, b.toUtc];
      const raw = rawRange(b, base);
      const rollup = rollupRange(b, base)!;
      const rows: { n: number }[] = await this.dataSource.query(
        `SELECT ((SELECT count(*) FROM calls c WHERE ${INBOUND(raw)} AND ${TRANSFERRED('c.id')})
           + (SELECT coalesce(sum(r.transferred), 0) FROM ${QUEUE_BINS(rollup)}))::int AS n`,
        base,
      );
      return rows[0]!.n;
    }
    const [cond, params] = team(b, [b.fromUtc, b.toUtc], TEAM_CALL);
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(DISTINCT h.call_id)::int AS n
       FROM call_handlers h JOIN calls c ON c.id = h.call_id
       WHERE h.kind = 'transferred' AND h.at >= $1 AND h.at < $2::timestamptz + interval '1 day'
         AND ${INBOUND_IN_RANGE}${cond}`,
      params,
    );
    return rows[0]!.n;
  }

  async queueKpis(b: Bounds, slSeconds: number, shortAbandon: number): Promise<QueueKpiRow[]> {
    return this.queueFacts(
      b,
      slSeconds,
      shortAbandon,
      (f) => `SELECT f.queue, ${CALL_KPI_COLUMNS} ${f} GROUP BY f.queue ORDER BY offered DESC, f.queue NULLS LAST`,
    );
  }

  /**
   * Per operator over the answered calls of the range, in two parts:
   * - transferred calls (a 'transferred' handler row): one segment per handler, from the handler's answer/transfer
   *   event to the next handler's event or the call's end; hold and wrap-up are stored per call, so they go to the
   *   last handler; the call counts once for each operator who handled it;
   * - all other calls: the calls row's operator handled it alone, for its whole talk time (no join needed, which
   *   keeps a year of calls one pass over the covering index).
   * Handler rows are read by time: a handler takes the call after it started and, by assumption, within a day of
   * the range end. With rollups, both parts come from `analytics_operator_days` (whole UTC days) and
   * `analytics_operator_bins` (the other whole bins), and only the raw parts of the range are read from calls.
   */
  async operatorKpis(b: Bounds): Promise<OperatorKpiRow[]> {
    const base: unknown[] = [b.fromUtc, b.toUtc];
    const raw = rawRange(b, base);
    const rolled = b.rollup && operatorRollups(b.rollup, base);
    const [cond, params] = team(b, base, (p) => `u.id = ANY(${p})`);
    // Without rollups the transfer rows of the range first (a few per cent of the handler rows); with them, the
    // transfer rows of the few calls read raw.
    const movedCalls = rolled
      ? `SELECT DISTINCT t.call_id FROM calls c JOIN call_handlers t ON t.call_id = c.id
         WHERE ${INBOUND(raw)} AND c.disposition = 'answered'
           AND t.kind = 'transferred' AND t.at >= $1 AND t.at < $2::timestamptz + interval '1 day'`
      : `SELECT DISTINCT t.call_id FROM call_handlers t
         WHERE t.kind = 'transferred' AND t.at >= $1 AND t.at < $2::timestamptz + interval '1 day'`;
    return this.dataSource.query(
      `WITH moved_calls AS (
         ${movedCalls}
       ), h AS (
         SELECT h.call_id, h.user_id, h.kind, h.at, c.ended_at, c.wait_seconds, c.hold_seconds, ${WRAP_UP} AS wrap,
           lead(h.at) OVER w AS next_at, row_number() OVER w AS n
         FROM moved_calls m
           JOIN call_handlers h ON h.call_id = m.call_id
           JOIN calls c ON c.id = h.call_id
           LEFT JOIN analytics_queue_settings s ON s.queue = c.queue
         WHERE h.at >= $1 AND h.at < $2::timestamptz + interval '1 day'
           AND ${INBOUND(raw)} AND c.disposition = 'answered'
         WINDOW w AS (PARTITION BY h.call_id ORDER BY h.seq)
       ), moved AS (
         SELECT user_id,
           count(DISTINCT call_id) AS handled,
           count(DISTINCT call_id) FILTER (WHERE n = 1 AND kind = 'answered') AS answered,
           count(DISTINCT call_id) FILTER (WHERE kind = 'transferred') AS transfers_in,
           sum(greatest(extract(epoch FROM coalesce(next_at, ended_at) - at), 0)) AS handle,
           sum(hold_seconds) FILTER (WHERE next_at IS NULL) AS hold,
           sum(wrap) FILTER (WHERE next_at IS NULL) AS wrap,
           sum(wait_seconds) FILTER (WHERE n = 1 AND kind = 'answered') AS wait_sum,
           count(wait_seconds) FILTER (WHERE n = 1 AND kind = 'answered') AS wait_n
         FROM h GROUP BY user_id
       ), alone AS (
         -- Not a shared CTE with the part above: a plain scan here can run in parallel.
         SELECT c.operator_id AS user_id, count(*) AS handled, count(*) AS answered, 0 AS transfers_in,
           sum(coalesce(c.talk_seconds, 0)) AS handle, sum(c.hold_seconds) AS hold, sum(${WRAP_UP}) AS wrap,
           sum(c.wait_seconds) AS wait_sum, count(c.wait_seconds) AS wait_n
         FROM calls c LEFT JOIN analytics_queue_settings s ON s.queue = c.queue
         WHERE ${INBOUND(raw)} AND c.disposition = 'answered' AND c.operator_id IS NOT NULL
           AND NOT ${TRANSFERRED('c.id')}
         GROUP BY c.operator_id
       ${rolled ? rolled.map((part) => `UNION ALL ${part}`).join('\n') : ''})
       SELECT u.id AS user_id, u.name, u.extension,
         sum(x.handled)::int AS handled, sum(x.answered)::int AS answered, sum(x.transfers_in)::int AS transfers_in,
         round(sum(x.handle))::float8 AS handle, coalesce(sum(x.hold), 0)::float8 AS hold,
         coalesce(sum(x.wrap), 0)::float8 AS wrap, (sum(x.wait_sum) / nullif(sum(x.wait_n), 0))::float8 AS asa
       FROM (SELECT * FROM moved UNION ALL SELECT * FROM alone) x JOIN users u ON u.id = x.user_id
       WHERE true${cond}
       GROUP BY u.id, u.name, u.extension
       ORDER BY handled DESC, u.name`,
      params,
    );
  }

  /**
   * `$3` = tz, `$4` = short-abandon threshold. Calls are first counted per 15-minute UTC bin and only the bins are
   * converted to local time: exact, because every zone's UTC offset is a whole number of quarter hours, and it
   * spares a time-zone conversion per call.
   */
  async heatmap(b: Bounds, tz: string, shortAbandon: number): Promise<HeatmapRow[]> {
    const base: unknown[] = [b.fromUtc, b.toUtc, tz, shortAbandon];
    const raw = rawRange(b, base);
    const rollup = rollupRange(b, base);
    const [cond, params] = team(b, base, TEAM_CALL);
    return this.dataSource.query(
      `WITH bins AS (
         SELECT date_bin('15 minutes', c.started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin,
           count(*) AS offered,
           count(*) FILTER (WHERE c.disposition = 'answered') AS answered,
           count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) >= $4::int) AS abandoned,
           sum(c.wait_seconds) FILTER (WHERE c.disposition = 'answered') AS wait_sum
         FROM calls c
         WHERE ${INBOUND(raw)}${cond}
         GROUP BY 1
         ${
           rollup
             ? `UNION ALL
         -- A bin whose answered calls have no wait at all has a null sum from calls, so none here either.
         SELECT r.bin, sum(r.offered), sum(r.answered), sum(r.abandoned - ${SHORT}),
           sum(r.wait_sum) FILTER (WHERE r.wait_n > 0)
         FROM ${QUEUE_BINS(rollup)} GROUP BY r.bin`
             : ''
         }
       )
       SELECT extract(isodow FROM bin AT TIME ZONE $3::text)::int AS weekday,
         extract(hour FROM bin AT TIME ZONE $3::text)::int AS hour,
         sum(offered)::int AS offered, sum(answered)::int AS answered, sum(abandoned)::int AS abandoned,
         (sum(wait_sum) / nullif(sum(answered), 0))::float8 AS avg_wait
       FROM bins
       GROUP BY 1, 2 ORDER BY 1, 2`,
      params,
    );
  }

  /** Per local day of the start (`$3` = tz, `$4` = SL seconds, `$5` = short abandon), through 15-minute bins. */
  async daily(b: Bounds, tz: string, slSeconds: number, shortAbandon: number): Promise<DailyRow[]> {
    const base: unknown[] = [b.fromUtc, b.toUtc, tz, slSeconds, shortAbandon];
    const raw = rawRange(b, base);
    const rollup = rollupRange(b, base);
    const [cond, params] = team(b, base, TEAM_CALL);
    // Here the SL threshold is $4 and the short-abandon one $5.
    const short = SHORT.replaceAll('$4', '$5');
    return this.dataSource.query(
      `WITH bins AS (
         SELECT date_bin('15 minutes', c.started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin,
           count(*) AS offered,
           count(*) FILTER (WHERE c.disposition = 'answered') AS answered,
           count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) >= $5::int) AS abandoned,
           count(*) FILTER (WHERE c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) < $5::int)
             AS short_abandoned,
           count(*) FILTER (WHERE c.disposition = 'answered' AND c.wait_seconds <= $4::int) AS answered_within_sl
         FROM calls c
         WHERE ${INBOUND(raw)}${cond}
         GROUP BY 1
         ${
           rollup
             ? `UNION ALL
         SELECT r.bin, sum(r.offered), sum(r.answered), sum(r.abandoned - ${short}), sum(${short}),
           sum(coalesce(r.answered_wait_le[$4::int + 1], r.wait_n))
         FROM ${QUEUE_BINS(rollup)} GROUP BY r.bin`
             : ''
         }
       )
       SELECT to_char((bin AT TIME ZONE $3::text)::date, 'YYYY-MM-DD') AS date,
         sum(offered)::int AS offered, sum(answered)::int AS answered, sum(abandoned)::int AS abandoned,
         sum(short_abandoned)::int AS short_abandoned, sum(answered_within_sl)::int AS answered_within_sl
       FROM bins
       GROUP BY 1 ORDER BY 1`,
      params,
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
    const [cond, params] = team(b, [b.fromUtc, b.toUtc], (p) => `user_id = ANY(${p})`);
    return this.dataSource.query(
      `SELECT user_id,
         coalesce(sum(overlap) FILTER (WHERE state IN ('on-call', 'ringing', 'wrap-up')), 0)::float8 AS handling,
         coalesce(sum(overlap) FILTER (WHERE state IN ('on-call', 'ringing', 'wrap-up', 'available')), 0)::float8
           AS staffed
       FROM (
         SELECT user_id, state,
           extract(epoch FROM least(coalesce(ended_at, now()), $2) - greatest(started_at, $1)) AS overlap
         FROM agent_state_history
         WHERE started_at < $2 AND (ended_at IS NULL OR ended_at > $1)${cond}
       ) x
       WHERE overlap > 0
       GROUP BY user_id`,
      params,
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
   * (converted: status now 'converted'; with a deal: the conversion made its first deal, `leads.deal_id`; with a won
   * deal: that deal is on a won stage now — cohort measures). With `b.crmDays`, whole UTC days come from the day
   * rollups (migration 1764004100000-CreateAnalyticsCrmDays) unless a change of theirs awaits its refresh; the
   * partial edge days and those are counted here from the rows, so both ways give the same figures.
   */
  async crm(b: Bounds): Promise<CrmRow> {
    const dayFrom = Math.ceil(b.fromUtc.getTime() / DAY_MS) * DAY_MS;
    const dayTo = Math.floor(b.toUtc.getTime() / DAY_MS) * DAY_MS;
    if (!b.crmDays || dayFrom >= dayTo) return this.crmRaw(b);
    const base = [b.fromUtc, b.toUtc, new Date(dayFrom), new Date(dayTo)];
    const [, params] = team(b, base, () => '');
    /** The team filter on one column (rollup rows and source rows name their person differently). */
    const mine = (column: string) => team(b, base, (p) => `${column} = ANY(${p})`)[0];
    const rows: CrmRow[] = await this.dataSource.query(
      `WITH dirty AS MATERIALIZED (
         SELECT DISTINCT kind, day FROM analytics_crm_dirty WHERE day >= $3 AND day < $4
       ), raw_days AS (
         SELECT k.kind, r.lo, r.hi FROM (VALUES ('callback'), ('lead')) k(kind),
           (VALUES ($1::timestamptz, $3::timestamptz), ($4::timestamptz, $2::timestamptz)) r(lo, hi)
         UNION ALL SELECT kind, day, day + interval '24 hours' FROM dirty
       ), t AS (
         SELECT sum(due)::int AS callbacks_due, sum(in_time)::int AS callbacks_in_time,
           sum(late)::int AS callbacks_late, sum(open)::int AS callbacks_open
         FROM (
           SELECT due, in_time, late, open FROM analytics_callback_days
           WHERE day >= $3 AND day < $4 AND day NOT IN (SELECT day FROM dirty WHERE kind = 'callback')${mine('assignee_id')}
           UNION ALL
           SELECT count(*), count(*) FILTER (WHERE tk.done_at IS NOT NULL AND tk.done_at <= tk.due_at),
             count(*) FILTER (WHERE tk.done_at > tk.due_at), count(*) FILTER (WHERE tk.done_at IS NULL)
           FROM raw_days r JOIN tasks tk ON tk.kind = 'callback' AND tk.due_at >= r.lo AND tk.due_at < r.hi
           WHERE r.kind = 'callback'${mine('tk.assignee_id')}
         ) x
       ), l AS (
         SELECT sum(created)::int AS leads_created, sum(from_calls)::int AS leads_from_calls,
           sum(converted)::int AS leads_converted, sum(with_deal)::int AS leads_with_deal,
           sum(with_won_deal)::int AS leads_with_won_deal
         FROM (
           SELECT created, from_calls, converted, with_deal, with_won_deal FROM analytics_lead_days
           WHERE day >= $3 AND day < $4 AND day NOT IN (SELECT day FROM dirty WHERE kind = 'lead')${mine('owner_id')}
           UNION ALL
           -- A deal looked up per lead: a few days of leads must not hash every deal there is.
           SELECT count(*), count(*) FILTER (WHERE ld.source = 'call'), count(*) FILTER (WHERE ld.status = 'converted'),
             count(won.deal), count(*) FILTER (WHERE won.won)
           FROM raw_days r JOIN leads ld ON ld.created_at >= r.lo AND ld.created_at < r.hi
             LEFT JOIN LATERAL (
               SELECT d.id AS deal, st.kind = 'won' AS won FROM deals d
                 LEFT JOIN pipeline_stages st ON st.pipeline_id = d.pipeline_id AND st.key = d.stage
               WHERE d.id = ld.deal_id
               LIMIT 1 -- a parameterized lookup, never pulled up into a join (ids are unique)
             ) won ON true
           WHERE r.kind = 'lead'${mine('ld.owner_id')}
         ) y
       )
       SELECT t.*, l.* FROM t, l`,
      params,
    );
    return rows[0]!;
  }

  /** `crm` counted from the rows alone (the reference the day rollups must equal). */
  private async crmRaw(b: Bounds): Promise<CrmRow> {
    const [taskCond, params] = team(b, [b.fromUtc, b.toUtc], (p) => `assignee_id = ANY(${p})`);
    const leadCond = b.members ? ` AND ld.owner_id = ANY($3::uuid[])` : '';
    const rows: CrmRow[] = await this.dataSource.query(
      `SELECT t.*, l.* FROM
         (SELECT count(*)::int AS callbacks_due,
            count(*) FILTER (WHERE done_at IS NOT NULL AND done_at <= due_at)::int AS callbacks_in_time,
            count(*) FILTER (WHERE done_at > due_at)::int AS callbacks_late,
            count(*) FILTER (WHERE done_at IS NULL)::int AS callbacks_open
          FROM tasks WHERE kind = 'callback' AND due_at >= $1 AND due_at < $2${taskCond}) t,
         (SELECT count(*)::int AS leads_created,
            count(*) FILTER (WHERE source = 'call')::int AS leads_from_calls,
            count(*) FILTER (WHERE ld.status = 'converted')::int AS leads_converted,
            count(d.id)::int AS leads_with_deal,
            count(*) FILTER (WHERE st.kind = 'won')::int AS leads_with_won_deal
          FROM leads ld
            LEFT JOIN deals d ON d.id = ld.deal_id
            LEFT JOIN pipeline_stages st ON st.pipeline_id = d.pipeline_id AND st.key = d.stage
          WHERE ld.created_at >= $1 AND ld.created_at < $2${leadCond}) l`,
      params,
    );
    return rows[0]!;
  }

  /** Leads created in the range per source and UTM source / medium / campaign (null tags group together). */
  async leadSources(b: Bounds): Promise<LeadSourceRow[]> {
    const [cond, params] = team(b, [b.fromUtc, b.toUtc], (p) => `owner_id = ANY(${p})`);
    return this.dataSource.query(
      `SELECT source, utm->>'source' AS utm_source, utm->>'medium' AS utm_medium, utm->>'campaign' AS utm_campaign,
         count(*)::int AS leads, count(*) FILTER (WHERE status = 'converted')::int AS converted
       FROM leads WHERE created_at >= $1 AND created_at < $2${cond}
       GROUP BY 1, 2, 3, 4 ORDER BY leads DESC, source, utm_source NULLS LAST, utm_medium NULLS LAST,
         utm_campaign NULLS LAST`,
      params,
    );
  }

  async queueSettings(): Promise<QueueSettingRow[]> {
    return this.dataSource.query(
      `SELECT queue, wrap_up_seconds, updated_at FROM analytics_queue_settings ORDER BY queue`,
    );
  }

  /** Mean amount of deals won (closed_at in the range), per currency: amounts in different currencies never mix. */
  async dealAverages(b: Bounds): Promise<DealAverageRow[]> {
    const [cond, params] = team(b, [b.fromUtc, b.toUtc], (p) => `d.owner_id = ANY(${p})`);
    return this.dataSource.query(
      `SELECT d.currency, count(*)::int AS deals, round(avg(d.amount), 2)::float8 AS average
       FROM deals d JOIN pipeline_stages st ON st.pipeline_id = d.pipeline_id AND st.key = d.stage
       WHERE st.kind = 'won' AND d.closed_at >= $1 AND d.closed_at < $2${cond}
       GROUP BY d.currency ORDER BY deals DESC, d.currency`,
      params,
    );
  }

  /**
   * Deals of one pipeline created in the range, per stage (every stage, in order, even an empty one) and currency:
   * how many are on it now and their amount. Reads deals and pipeline_stages.
   */
  async funnel(b: Bounds, pipelineId: string): Promise<FunnelStageRow[]> {
    const [cond, params] = team(b, [b.fromUtc, b.toUtc, pipelineId], (p) => `d.owner_id = ANY(${p})`);
    return this.dataSource.query(
      `SELECT st.key, st.name_ru, st.name_en, st.position, st.kind, st.probability, d.currency,
         count(d.id)::int AS deals, coalesce(sum(d.amount), 0)::text AS amount
       FROM pipeline_stages st
         LEFT JOIN deals d ON d.pipeline_id = st.pipeline_id AND d.stage = st.key
           AND d.created_at >= $1 AND d.created_at < $2${cond}
       WHERE st.pipeline_id = $3
       GROUP BY st.key, st.name_ru, st.name_en, st.position, st.kind, st.probability, d.currency
       ORDER BY st.position, d.currency`,
      params,
    );
  }
}
