import { loadConfig } from '@server/config/env';
import { createDatabase } from '@server/db/data-source';
import { AnalyticsRollupsRepository } from '@server/modules/analytics/analytics-rollups.repository';

/**
 * `npm run analytics:rebuild` — recomputes analytics' call rollups (`analytics_call_bins`) and operator rollups
 * (`analytics_operator_bins|days|months`) from `calls`, and the CRM day rollups (`analytics_callback_days|lead_days`)
 * from tasks and leads, in one transaction, for DATABASE_URL (or the embedded PGlite
 * under DATA_DIR). Safe while the server runs: live refreshes wait for it (same advisory lock), and reports read the
 * old rollups until it commits.
 */
async function main(): Promise<void> {
  const database = await createDatabase(loadConfig());
  try {
    await database.dataSource.initialize();
    const started = performance.now();
    const { bins, calls } = await new AnalyticsRollupsRepository(database.dataSource).rebuild();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`analytics rollups rebuilt: ${calls} calls in ${bins} 15-minute bins, ${seconds} s`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
