/**
 * Child process of import-hostile.bench.ts: the real app on the bench database, alone in its process, so its
 * RSS (and peak RSS, VmHWM) is the server's own. Reports its port, exits on `stop`.
 */
import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { pino } from 'pino';

import { createApp } from '@server/app';
import { createDatabase } from '@server/db/data-source';
import { TEST_APP_CONFIG } from '@test/support/api-server';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('import-server: DATABASE_URL is not set (the bench passes its own)');
const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
await database.dataSource.initialize();
const { app } = createApp({
  config: TEST_APP_CONFIG,
  dataSource: database.dataSource,
  logger: pino({ level: 'silent' }),
});
const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (m: { stop?: true }) => {
  if (m.stop) process.exit(0);
});
