import { type DataSource } from 'typeorm';

/** Rollups are kept per 15-minute UTC bin (aligned to 2000-01-01 00:00 UTC, i.e. to the epoch). */
export const BIN_MS = 15 * 60_000;

export const ROLLUP_TABLES = [
  'analytics_call_bins',
  'analytics_operator_bins',
  'analytics_operator_days',
  'analytics_operator_months',
  'analytics_callback_days',
  'analytics_lead_days',
] as const;

const UTC_DAY = (column: string) => `date_bin('24 hours', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

export const binOf = (at: Date | string | number): Date =>
  new Date(Math.floor(new Date(at).getTime() / BIN_MS) * BIN_MS);

/**
 * The analytics module's writer of `analytics_call_bins` and the operator rollups `analytics_operator_bins|days|months`
 * (migrations 1764003200000-CreateAnalyticsCallBins, 1764004000000-CreateAnalyticsOperatorRollups). Both operations
 * recompute bins from `calls` inside PostgreSQL (`zv_analytics_refresh_bins`, `zv_analytics_refresh_operator_bins`),
 * so repeating one is harmless and the result never depends on which changes were seen. Also the CRM day rollups
 * `analytics_callback_days|lead_days` (migration 1764004100000-CreateAnalyticsCrmDays), whose changed days the
 * database itself marks.
 */
export class AnalyticsRollupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async refresh(bins: readonly Date[]): Promise<void> {
    if (bins.length === 0) return;
    await this.dataSource.query(
      `SELECT zv_analytics_refresh_bins($1::timestamptz[]), zv_analytics_refresh_operator_bins($1::timestamptz[])`,
      [bins],
    );
  }

  /** Recomputes the CRM days marked as changed; the number of days, 0 when another node is at it. */
  async refreshCrm(): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT zv_analytics_refresh_crm() AS days`)) as { days: number }[];
    return row?.days ?? 0;
  }

  /** Every bin from scratch, in one transaction (readers see the old rollups until it commits). */
  async rebuild(): Promise<{ bins: number; calls: number }> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('analytics_call_bins'))`);
      // A pass over every call: here JIT pays (the sessions have it off for the reports' short queries).
      await em.query(`SET LOCAL jit = on`);
      for (const table of ROLLUP_TABLES) await em.query(`DELETE FROM ${table}`);
      const bins: { bin: Date }[] = await em.query(
        `SELECT DISTINCT date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin
         FROM calls WHERE disposition IS NOT NULL`,
      );
      const all = bins.map((b) => b.bin);
      await em.query(`SELECT zv_analytics_refresh_bins($1::timestamptz[])`, [all]);
      await em.query(`SELECT zv_analytics_refresh_operator_bins($1::timestamptz[])`, [all]);
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('analytics_crm_days'))`);
      await em.query(`DELETE FROM analytics_crm_dirty`);
      await em.query(
        `SELECT zv_analytics_refresh_crm_days('callback',
           array(SELECT DISTINCT ${UTC_DAY('due_at')} FROM tasks WHERE kind = 'callback' AND due_at IS NOT NULL)),
         zv_analytics_refresh_crm_days('lead', array(SELECT DISTINCT ${UTC_DAY('created_at')} FROM leads))`,
      );
      // Fresh statistics for the report plans (a rebuild replaces every row at once).
      for (const table of ROLLUP_TABLES) await em.query(`ANALYZE ${table}`);
      const [row] = (await em.query(
        `SELECT count(DISTINCT bin)::int AS bins, coalesce(sum(offered), 0)::int AS calls
         FROM analytics_call_bins WHERE operator_id IS NULL`,
      )) as { bins: number; calls: number }[];
      return row!;
    });
  }
}
