import { Redis } from 'ioredis';

/**
 * The node's Redis connection, as main.ts and every test harness open it. `maxRetriesPerRequest: null`: a command
 * waits for the reconnect instead of failing after 20 tries, so a Redis restart does not drop call events (the
 * fault suite kills Redis mid-load). `enableAutoPipelining`: the commands of one tick (a burst of call events' XADDs,
 * Socket.IO broadcasts, acks) leave in one write; one write per command was a tenth of the node's CPU at 100 calls/s.
 */
export const connectRedis = (url: string): Redis =>
  new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
