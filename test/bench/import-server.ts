/**
 * Child process of import-hostile.bench.ts: the real node (composeNode) on the bench database, alone in its
 * process, so its RSS (and peak RSS, VmHWM) is the server's own. Reports its port, exits on `stop`.
 */
import { startTestNode } from '@test/support/api-server';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('import-server: DATABASE_URL is not set (the bench passes its own)');
const node = await startTestNode();
process.send?.({ port: Number(new URL(node.baseUrl).port) });
process.on('message', (m: { stop?: true }) => {
  if (m.stop) process.exit(0);
});
