import { type DataSource } from 'typeorm';

/** Rollups are kept per 15-minute UTC bin (aligned to 2000-01-01 00:00 UTC, i.e. to the epoch). */
export const BIN_MS = 15 * 60_000;

export const ROLLUP_TABLES = [
  'analytics_call_bins',
  'analytics_operator_bins',
  'analytics_operator_days',
  'analytics_operator_months',
] as const;

export const binOf = (at: Date | string | number): Date =>
  new Date(Math.floor(new Date(at).getTime() / BIN_MS) * BIN_MS);

/**
 * The analytics module's writer of `analytics_call_bins` and the operator rollups `analytics_operator_bins|days|months`
 * (migrations 1764003200000-CreateAnalyticsCallBins, 1764004000000-CreateAnalyticsOperatorRollups). Both operations
 * recompute bins from `calls` inside PostgreSQL (`zv_analytics_refresh_bins`, `zv_analytics_refresh_operator_bins`),
 * so repeating one is harmless and the result never depends on which changes were seen.
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

  /** Every bin from scratch, in one transaction (readers see the old rollups until it commits). */
  async rebuild(): Promise<{ bins: number; calls: number }> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('analytics_call_bins'))`);
      for (const table of ROLLUP_TABLES) await em.query(`DELETE FROM ${table}`);
      const bins: { bin: Date }[] = await em.query(
        `SELECT DISTINCT date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin
         FROM calls WHERE disposition IS NOT NULL`,
      );
      const all = bins.map((b) => b.bin);
      await em.query(`SELECT zv_analytics_refresh_bins($1::timestamptz[])`, [all]);
      await em.query(`SELECT zv_analytics_refresh_operator_bins($1::timestamptz[])`, [all]);
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
