import { runAnalyticsBench } from '@test/bench/analytics.bench';
const r = await runAnalyticsBench();
for (const f of r.figures)
  console.log(
    f.figure.padEnd(36),
    f.value.toFixed(1).padStart(9),
    f.baseline.toFixed(1).padStart(8),
    f.ratio.toFixed(2),
    JSON.stringify(f.details),
  );
console.log('seed', r.seedSeconds);
