import { type DataSource } from 'typeorm';

/** Rollups are kept per 15-minute UTC bin (aligned to 2000-01-01 00:00 UTC, i.e. to the epoch). */
export const BIN_MS = 15 * 60_000;

export const binOf = (at: Date | string | number): Date =>
  new Date(Math.floor(new Date(at).getTime() / BIN_MS) * BIN_MS);

/**
 * The analytics module's writer of `analytics_call_bins` (see migration 1764003200000-CreateAnalyticsCallBins).
 * Both operations recompute bins from `calls` inside PostgreSQL (`zv_analytics_refresh_bins`), so repeating one is
 * harmless and the result never depends on which changes were seen.
 */
export class AnalyticsRollupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async refresh(bins: readonly Date[]): Promise<void> {
    if (bins.length === 0) return;
    await this.dataSource.query(`SELECT zv_analytics_refresh_bins($1::timestamptz[])`, [bins]);
  }

  /** Every bin from scratch, in one transaction (readers see the old rollups until it commits). */
  async rebuild(): Promise<{ bins: number; calls: number }> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('analytics_call_bins'))`);
      await em.query(`DELETE FROM analytics_call_bins`);
      const bins: { bin: Date }[] = await em.query(
        `SELECT DISTINCT date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bin
         FROM calls WHERE disposition IS NOT NULL`,
      );
      await em.query(`SELECT zv_analytics_refresh_bins($1::timestamptz[])`, [bins.map((b) => b.bin)]);
      // Fresh statistics for the report plans (a rebuild replaces every row at once).
      await em.query(`ANALYZE analytics_call_bins`);
      const [row] = (await em.query(
        `SELECT count(DISTINCT bin)::int AS bins, coalesce(sum(offered), 0)::int AS calls
         FROM analytics_call_bins WHERE operator_id IS NULL`,
      )) as { bins: number; calls: number }[];
      return row!;
    });
  }
}
