import { readdirSync, readFileSync } from 'node:fs';

/**
 * Child of test/bench/run-queue.ts: every SAMPLE_MS, how many threads of each process name are runnable (state R:
 * running or waiting for a CPU). On `take` it answers the mean and peak per name since the last `take`.
 */
const SAMPLE_MS = 200;

const comm = (pid: string) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
const isRunnable = (stat: string) => stat[stat.lastIndexOf(')') + 2] === 'R';

const totals = new Map<string, { sum: number; peak: number }>();
let samples = 0;

function sample(): void {
  const now = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
    try {
      const name = comm(pid);
      let runnable = 0;
      for (const tid of readdirSync(`/proc/${pid}/task`))
        if (isRunnable(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'))) runnable++;
      if (runnable) now.set(name, (now.get(name) ?? 0) + runnable);
    } catch {
      // Gone meanwhile.
    }
  }
  for (const [name, n] of now) {
    const t = totals.get(name) ?? { sum: 0, peak: 0 };
    totals.set(name, { sum: t.sum + n, peak: Math.max(t.peak, n) });
  }
  samples++;
}

setInterval(sample, SAMPLE_MS);
process.on('message', (message) => {
  if (message !== 'take') return;
  const taken = [...totals]
    .map(([name, t]) => ({ name, mean: Math.round((10 * t.sum) / Math.max(samples, 1)) / 10, peak: t.peak }))
    .filter((t) => t.peak > 1)
    .sort((a, b) => b.mean - a.mean);
  totals.clear();
  samples = 0;
  process.send?.(taken);
});
process.on('disconnect', () => process.exit(0));
