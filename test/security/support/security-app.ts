import { type Express } from 'express';
import { type DataSource } from 'typeorm';

import { type Config } from '@server/config/env';
import { startTestNode } from '@test/support/api-server';

export interface SecurityApp {
  app: Express;
  baseUrl: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The real node on the real Postgres, like startTestApp, exposing its express app (for the route table). */
export async function startSecurityApp(
  config: Partial<Config> = {},
  deps: { clientDir?: string } = {},
): Promise<SecurityApp> {
  const t = await startTestNode(config, deps);
  const app = t.node.server.listeners('request')[0] as Express;
  return { app, baseUrl: t.baseUrl, dataSource: t.dataSource, close: () => t.close() };
}
