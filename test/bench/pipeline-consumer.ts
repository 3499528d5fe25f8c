/**
 * Child process of pipeline.bench.ts: one web node (composeNode, as main.ts builds it) that only consumes its share
 * of the call stream. Reports `{ready}` once it owns partitions, `{owned}` (how many now) and `{pops}` (screen pops
 * it emitted) when asked.
 * argv: <prefix> <node id>
 */
import { composeNode } from '@server/compose-node';
import { popLatencySeconds } from '@server/modules/health/metrics';
import { testConfig, testLogger } from '@test/support/api-server';

const [prefix, nodeId] = process.argv.slice(2) as [string, string];
const node = await composeNode(testConfig({ REDIS_URL: process.env.REDIS_URL }), {
  logger: testLogger(nodeId),
  provider: null,
  bus: { prefix, nodeId, heartbeatMs: 200 },
});
const ready = setInterval(() => {
  if (node.bus.owned().length > 0) {
    clearInterval(ready);
    process.send?.({ ready: node.bus.owned().length });
  }
}, 50);
process.on('message', (m: { pops?: true; owned?: true; stop?: true }) => {
  if (m.owned) process.send?.({ owned: node.bus.owned().length });
  if (m.pops) {
    void popLatencySeconds.get().then((metric) => {
      const count = metric.values.find((v) => v.metricName === 'zvonok_pop_latency_seconds_count')?.value ?? 0;
      process.send?.({ pops: count });
    });
  }
  if (m.stop) void node.close().then(() => process.exit(0));
});
