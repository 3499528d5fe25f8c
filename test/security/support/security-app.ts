import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Express } from 'express';
import { pino } from 'pino';
import { type DataSource } from 'typeorm';

import { type AppConfig, type AppDeps, createApp } from '@server/app';
import { createDatabase } from '@server/db/data-source';
import { requireDatabaseUrl, TEST_APP_CONFIG } from '@test/support/api-server';

export interface SecurityApp {
  app: Express;
  baseUrl: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The real app on the real Postgres, like startTestApp, but exposing the express app (for its route table). */
export async function startSecurityApp(
  config: Partial<AppConfig> = {},
  deps: Pick<AppDeps, 'routingToken' | 'clientDir' | 'redis'> & Partial<Pick<AppDeps, 'logger'>> = {},
): Promise<SecurityApp> {
  const database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  const { app } = createApp({
    config: { ...TEST_APP_CONFIG, ...config },
    dataSource: database.dataSource,
    ...deps,
    logger: deps.logger ?? pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' }),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    app,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dataSource: database.dataSource,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
