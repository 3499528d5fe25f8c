import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { type DataSource } from 'typeorm';

import { type AnalyticsQuery, analyticsQuerySchema } from '@contracts/dto/analytics';
import { createDatabase } from '@server/db/data-source';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';
import { AnalyticsRollupsService } from '@server/modules/analytics/analytics-rollups.service';
import { ROLLUP_TABLES } from '@server/modules/analytics/analytics-rollups.repository';
import { startPostgres } from '@test/support/services/postgres';
import { parseCount, seedHistory } from '@test/support/seed-history';

/**
 * Dashboard queries at 1M calls (100 operators, a year; test/support/seed-history.ts), each timed through
 * AnalyticsService (the code the REST endpoints run) and printed beside a baseline measured in the same run: a
 * forced sequential scan of the whole calls table (`SELECT count(*), sum(talk_seconds) FROM calls`), i.e. the
 * cheapest possible full pass over the same data. ratio = query / baseline: < 1 means the query reads less than
 * one pass over the table.
 *
 * Then the same reports read through the rollups (analytics_call_bins, analytics_operator_bins|days, rebuilt once
 * from the seed with the code of `npm run analytics:rebuild`, timed), each printed beside its raw run above as the
 * baseline: ratio < 1 means the rollups are faster.
 *
 * Postgres: options.databaseUrl or $ZVONOK_BENCH_DATABASE_URL (its seed is reused when already there), otherwise a
 * throwaway Postgres 15 started here, migrated with the real CLI, seeded and removed afterwards.
 * $ZVONOK_BENCH_CALLS changes the size (default 1M; `10M` for the large size: several GB, about ten times
 * the 1M seed's time).
 */

/** Same shape as the other benches' figures (test/bench/figure.ts). */
export interface AnalyticsBenchFigure {
  figure: string;
  /** Median milliseconds over RUNS timed runs (after one warm-up run). */
  value: number;
  unit: 'ms';
  /** Median ms of the forced full-table scan, same run. */
  baseline: number;
  ratio: number;
  details: { p95Ms: number; runs: number; callsInRange: number; calls: number };
}

export interface AnalyticsBenchResult {
  calls: number;
  seedSeconds: number;
  seededNow: boolean;
  rebuildSeconds: number;
  figures: AnalyticsBenchFigure[];
}

const RUNS = 5;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const execFileAsync = promisify(execFile);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function fullScan(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    for (const s of ['enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan'])
      await runner.query(`SET LOCAL ${s} = off`);
    await runner.query('SELECT count(*), sum(talk_seconds) FROM calls');
    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
}

/** Moscow-local dates: the last `days` whole days up to today. */
function range(days: number): AnalyticsQuery {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  return analyticsQuerySchema.parse({ from, to: today, tz: 'Europe/Moscow' });
}

async function migrate(databaseUrl: string): Promise<void> {
  await execFileAsync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'server/src/cli/migrate.ts')], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    timeout: 120_000,
  });
}

export interface AnalyticsBenchOptions {
  /** A migrated (or empty) database to use instead of starting a throwaway Postgres. */
  databaseUrl?: string;
  log?: (message: string) => void;
}

export async function runAnalyticsBench(options: AnalyticsBenchOptions = {}): Promise<AnalyticsBenchResult> {
  const log = options.log ?? console.log;
  const calls = parseCount(process.env.ZVONOK_BENCH_CALLS ?? '1M', 'ZVONOK_BENCH_CALLS');
  let url = options.databaseUrl ?? process.env.ZVONOK_BENCH_DATABASE_URL;
  let stopPostgres: (() => Promise<void>) | undefined;
  if (!url) {
    const pg = await startPostgres({
      database: 'zvonok_bench',
      settings: { shared_buffers: '256MB', work_mem: '64MB', maintenance_work_mem: '256MB', max_wal_size: '4GB' },
    });
    url = pg.url;
    stopPostgres = pg.stop;
  }
  try {
    await migrate(url);
    const seed = await seedHistory(url, { calls, log: (m) => log(`[analytics bench] ${m}`) });
    const database = await createDatabase({ databaseUrl: url, dataDir: 'unused-with-database-url' });
    await database.dataSource.initialize();
    try {
      const ds = database.dataSource;
      const service = new AnalyticsService(ds);
      const rollups = new AnalyticsRollupsService(ds);
      const rebuildStarted = performance.now();
      const rebuilt = await rollups.rebuild();
      const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
      log(
        `[analytics bench] rollups rebuilt: ${rebuilt.calls.toLocaleString('en-US')} calls in ` +
          `${rebuilt.bins.toLocaleString('en-US')} bins, ${rebuildSeconds.toFixed(1)} s`,
      );
      // As the seed does for its tables: the visibility map lets the reports scan the rollups' indexes only.
      for (const table of ROLLUP_TABLES) await ds.query(`VACUUM ANALYZE ${table}`);
      const rolled = new AnalyticsService(ds, undefined, undefined, rollups);
      const baselineRuns = await time(() => fullScan(ds));
      const baseline = median(baselineRuns);
      log(
        `[analytics bench] baseline full scan of ${seed.calls.toLocaleString('en-US')} calls: ${baseline.toFixed(1)} ms`,
      );
      const figures: AnalyticsBenchFigure[] = [];
      for (const [label, days] of [
        ['30 days', 30],
        ['365 days', 365],
      ] as const) {
        const q = range(days);
        const callsInRange = (await service.summary(q)).calls.offered;
        const queries = (s: AnalyticsService): [string, () => Promise<unknown>][] => [
          ['summary', () => s.summary(q)],
          ['operators', () => s.operators(q)],
          ['queues', () => s.queues(q)],
          ['heatmap', () => s.heatmap(q)],
          ['daily', () => s.daily(q)],
        ];
        const viaRollups = queries(rolled);
        for (const [i, [name, fn]] of queries(service).entries()) {
          const runs = await time(fn);
          const value = median(runs);
          figures.push({
            figure: `analytics ${name}, ${label}`,
            value,
            unit: 'ms',
            baseline,
            ratio: value / baseline,
            details: { p95Ms: p95(runs), runs: RUNS, callsInRange, calls: seed.calls },
          });
          const rollupRuns = await time(viaRollups[i]![1]);
          const rollupValue = median(rollupRuns);
          figures.push({
            figure: `analytics ${name} via rollups, ${label} (baseline: raw)`,
            value: rollupValue,
            unit: 'ms',
            baseline: value,
            ratio: rollupValue / value,
            details: { p95Ms: p95(rollupRuns), runs: RUNS, callsInRange, calls: seed.calls },
          });
        }
      }
      return { calls: seed.calls, seedSeconds: seed.seconds, seededNow: seed.seededNow, rebuildSeconds, figures };
    } finally {
      await database.close();
    }
  } finally {
    await stopPostgres?.();
  }
}
