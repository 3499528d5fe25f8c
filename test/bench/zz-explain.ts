import { analyticsQuerySchema } from '@contracts/dto/analytics';
import { createDatabase } from '@server/db/data-source';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';
const db = await createDatabase({ databaseUrl: process.env.DATABASE_URL!, dataDir: 'x' });
await db.dataSource.initialize();
const ds = db.dataSource;
const orig = ds.query.bind(ds);
(ds as any).query = async (sql: string, params: unknown[]) => {
  if (
    /^\s*(SELECT|WITH)/i.test(sql) &&
    !sql.includes('to_regclass') &&
    !sql.includes('AT TIME ZONE $3::text) AS to_utc')
  ) {
    const t0 = performance.now();
    const plan: { 'QUERY PLAN': string }[] = await orig('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params);
    console.log('=====', sql.trim().slice(0, 90).replace(/\s+/g, ' '), (performance.now() - t0).toFixed(0), 'ms');
    console.log(plan.map((p) => p['QUERY PLAN']).join('\n'));
  }
  return orig(sql, params);
};
const svc = new AnalyticsService(ds);
const q = analyticsQuerySchema.parse({ from: process.argv[3] ?? '2025-11-01', to: '2026-11-23' });
await (svc as any)[process.argv[2]!](q);
await db.close();
