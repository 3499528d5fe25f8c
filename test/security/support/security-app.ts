import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Express } from 'express';
import { pino } from 'pino';
import { type DataSource } from 'typeorm';

import { type AppConfig, type AppDeps, createApp } from '@server/app';
import { createDatabase } from '@server/db/data-source';
import { createRealtime } from '@server/modules/realtime/realtime.server';
import { requireDatabaseUrl, TEST_APP_CONFIG } from '@test/support/api-server';

export interface SecurityApp {
  app: Express;
  baseUrl: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The real app on the real Postgres, like startTestApp, but exposing the express app (for its route table); with
 * `realtime`, Socket.IO on the same server as main.ts attaches it.
 */
export async function startSecurityApp(
  config: Partial<AppConfig> = {},
  deps: Pick<AppDeps, 'routingToken' | 'clientDir' | 'redis'> &
    Partial<Pick<AppDeps, 'logger'>> & { realtime?: boolean } = {},
): Promise<SecurityApp> {
  const database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  const logger = deps.logger ?? pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' });
  const { app, services } = createApp({
    config: { ...TEST_APP_CONFIG, ...config },
    dataSource: database.dataSource,
    routingToken: deps.routingToken,
    clientDir: deps.clientDir,
    redis: deps.redis,
    logger,
  });
  const server = http.createServer(app);
  const realtime = deps.realtime
    ? createRealtime({
        httpServer: server,
        auth: services.auth,
        liveCalls: services.liveCalls,
        logger,
        trustedOrigins: [],
      })
    : undefined;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    app,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dataSource: database.dataSource,
    close: async () => {
      await realtime?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
