/**
 * A bus consumer in a process of its own, so a test can SIGKILL it like a crashed node: it takes its partitions,
 * reports every delivery to the parent over IPC, and acks nothing (it "dies" with all of them in hand).
 * argv: <redis url> <prefix> <node id>
 */
import { pino } from 'pino';

import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { connectRedis } from '@server/common/redis/connect-redis';

const [url, prefix, nodeId] = process.argv.slice(2) as [string, string, string];
const redis = connectRedis(url);
const bus = new RedisCallBus({
  redis,
  logger: pino({ level: 'silent' }),
  prefix,
  nodeId,
  heartbeatMs: 100,
  leaseMs: 600,
});
await bus.consume({
  deliver: (d) => process.send?.({ delivered: `${d.event.callId}:${d.event.seq}` }),
  release: () => new Promise(() => undefined), // never finishes: a dying node does not hand anything over
});
setInterval(() => process.send?.({ owned: bus.owned() }), 100);
