/**
 * `npm run bench` entry (started by test/bin/run-bench.sh): runs every benchmark in this process, prints a table
 * and writes all figures as JSON to `--out <file>` (or $ZVONOK_BENCH_OUT).
 *
 * Benchmarks:
 * - ami-ingest (ami-ingest.bench.ts): AMI events/s over the recorded 100-call Asterisk 22 trace, our wrapper and
 *   our own parser (each followed by the call tracker) against asterisk-manager's bare parser measured in the
 *   same run. Needs no services.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { runAmiIngestBench, type BenchFigure } from '@test/bench/ami-ingest.bench';

function outPath(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--out');
  if (i !== -1) return argv[i + 1];
  return process.env.ZVONOK_BENCH_OUT;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const rate = (n: number) => Math.round(n).toLocaleString('en-US');

function printTable(figures: readonly BenchFigure[]): void {
  const rows = [
    ['figure', 'value (events/s)', 'baseline (events/s)', 'ratio', 'heap used', 'RSS'],
    ...figures.map((f) => [
      f.figure,
      rate(f.value),
      rate(f.baseline),
      f.ratio.toFixed(2),
      mib(f.heapUsedBytes),
      mib(f.rssBytes),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

async function main(): Promise<void> {
  const out = outPath(process.argv.slice(2));
  const started = new Date();
  const figures = await runAmiIngestBench();
  printTable(figures);
  const mem = process.memoryUsage();
  console.log(`after all: heap used ${mib(mem.heapUsed)}, RSS ${mib(mem.rss)}`);
  if (out) {
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const report = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      benchmarks: { 'ami-ingest': figures },
      memoryAfter: { heapUsedBytes: mem.heapUsed, rssBytes: mem.rss },
    };
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`results written to ${out}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
