/**
 * `npm run bench` entry (started by test/bin/run-bench.sh): runs every benchmark in this process, prints one table
 * of figures, each beside the baseline measured in the same run, and writes them all as JSON to `--out <file>`
 * (or $ZVONOK_BENCH_OUT) so runs can be compared across commits.
 *
 * Benchmarks that need a database share one throwaway PostgreSQL 15, started and migrated here.
 * `--only <name>[,<name>]` runs a subset. ZVONOK_BENCH_PG_STATEMENTS=1 ends the run with the costliest statements.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { runAmiIngestBench } from '@test/bench/ami-ingest.bench';
import { runAnalyticsBench } from '@test/bench/analytics.bench';
import { runApiFuzzBench } from '@test/bench/api-fuzz.bench';
import { runAuditBench } from '@test/bench/audit.bench';
import { runAutoLeadBench } from '@test/bench/auto-lead.bench';
import { runCampaignDialBench } from '@test/bench/campaign-dial.bench';
import { runFanoutBench } from '@test/bench/fanout.bench';
import { type Figure } from '@test/bench/figure';
import { runImportHostileBench } from '@test/bench/import-hostile.bench';
import { enableStatements, printTopStatements, statementSettings } from '@test/bench/pg-statements';
import { runPipelineBench } from '@test/bench/pipeline.bench';
import { runPopLatencyBench } from '@test/bench/pop-latency.bench';
import { runRecordingIngestBench } from '@test/bench/recording-ingest.bench';
import { runSearchBench } from '@test/bench/search.bench';
import { runSipPopBench } from '@test/bench/sip-pop.bench';
import { runSipSetupBench } from '@test/bench/sip-setup.bench';
import { runTimelineBench } from '@test/bench/timeline.bench';
import { runWebhookPopsBench } from '@test/bench/webhook-pops.bench';
import { startPostgres, type PostgresService } from '@test/support/services/postgres';

interface Bench {
  name: string;
  run(env: { databaseUrl: () => Promise<string> }): Promise<Figure[]>;
}

const BENCHES: Bench[] = [
  // First, while the process is fresh: its RSS baseline is the server alone, not the other benches' garbage.
  { name: 'fan-out', run: async ({ databaseUrl }) => runFanoutBench(await databaseUrl()) },
  {
    name: 'ami-ingest',
    run: async () =>
      (await runAmiIngestBench()).map(({ figure, value, baseline, ratio, unit, ...details }) => ({
        figure,
        value,
        baseline,
        ratio,
        unit,
        details,
      })),
  },
  { name: 'api-fuzz', run: () => runApiFuzzBench() },
  { name: 'auto-lead', run: async ({ databaseUrl }) => runAutoLeadBench(await databaseUrl()) },
  { name: 'import-hostile', run: async ({ databaseUrl }) => runImportHostileBench(await databaseUrl()) },
  { name: 'audit', run: async ({ databaseUrl }) => runAuditBench(await databaseUrl()) },
  { name: 'pipeline', run: async ({ databaseUrl }) => runPipelineBench(await databaseUrl()) },
  { name: 'recording-ingest', run: async ({ databaseUrl }) => runRecordingIngestBench(await databaseUrl()) },
  { name: 'timeline', run: async ({ databaseUrl }) => runTimelineBench(await databaseUrl()) },
  { name: 'campaign-dial', run: async ({ databaseUrl }) => runCampaignDialBench(await databaseUrl()) },
  // Places calls through the shared Asterisk: run under /tmp/zv-live.lock when others may be testing.
  { name: 'pop-latency', run: async ({ databaseUrl }) => runPopLatencyBench(await databaseUrl()) },
  { name: 'search', run: async ({ databaseUrl }) => runSearchBench(await databaseUrl()) },
  // Places calls through drachtio-server + rtpengine and the shared Asterisk: same lock.
  { name: 'sip-setup', run: () => runSipSetupBench() },
  { name: 'sip-pop', run: async ({ databaseUrl }) => runSipPopBench(await databaseUrl()) },
  // The same path under failing webhook endpoints (issue 18): places calls too, same lock.
  { name: 'webhook-pops', run: async ({ databaseUrl }) => runWebhookPopsBench(await databaseUrl()) },
  // Its own Postgres (tuned for a 1M-call seed) so the million rows never slow the other database benches.
  { name: 'analytics', run: async () => (await runAnalyticsBench()).figures },
];

const execFileAsync = promisify(execFile);

function argValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i === -1 ? undefined : argv[i + 1];
}

const number = (n: number) =>
  Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(Math.abs(n) >= 10 ? 1 : 2);

function printTable(results: readonly { bench: string; figures: Figure[] }[]): void {
  const rows = [
    ['bench', 'figure', 'value', 'baseline', 'ratio'],
    ...results.flatMap(({ bench, figures }) =>
      figures.map((f) => [
        bench,
        f.figure,
        `${number(f.value)} ${f.unit}`,
        `${number(f.baseline)} ${f.unit}`,
        `${f.ratio.toFixed(2)}×`,
      ]),
    ),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const out = argValue(argv, '--out') ?? process.env.ZVONOK_BENCH_OUT;
  const only = argValue(argv, '--only')?.split(',');
  const started = new Date();

  let postgres: PostgresService | undefined;
  const databaseUrl = async () => {
    if (!postgres) {
      postgres = await startPostgres({
        database: 'zvonok_bench',
        settings: { max_connections: '200', ...statementSettings() },
      });
      await execFileAsync('npx', ['tsx', 'server/src/cli/migrate.ts'], {
        env: { ...process.env, DATABASE_URL: postgres.url, LOG_LEVEL: 'warn' },
      });
      await enableStatements(postgres.url);
    }
    return postgres.url;
  };

  const results: { bench: string; figures: Figure[] }[] = [];
  try {
    for (const bench of BENCHES.filter((b) => !only || only.includes(b.name))) {
      console.log(`[bench] ${bench.name}…`);
      results.push({ bench: bench.name, figures: await bench.run({ databaseUrl }) });
    }
  } finally {
    if (postgres) await printTopStatements(postgres.url).catch((err: unknown) => console.log(`[bench] ${String(err)}`));
    await postgres?.stop();
  }
  console.log('');
  printTable(results);
  const mem = process.memoryUsage();
  console.log(
    `\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  if (out) {
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const report = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      benchmarks: Object.fromEntries(results.map((r) => [r.bench, r.figures])),
      memoryAfter: { heapUsedBytes: mem.heapUsed, rssBytes: mem.rss },
    };
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`results written to ${out}`);
  }
}

// Exit explicitly: a bench that leaves a handle open (a socket client, a pool) must not keep `npm run bench` waiting.
main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
