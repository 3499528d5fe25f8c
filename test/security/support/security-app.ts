import { type Express } from 'express';
import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';
import { type Config } from '@server/config/env';
import { startTestNode } from '@test/support/api-server';

export interface SecurityApp {
  app: Express;
  baseUrl: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The real node on the real Postgres (Socket.IO included, as composeNode always attaches it), like startTestApp,
 * exposing its express app (for the route table).
 */
export async function startSecurityApp(
  config: Partial<Config> = {},
  deps: { clientDir?: string; redis?: Redis; logger?: Logger; routingToken?: string } = {},
): Promise<SecurityApp> {
  const { routingToken, ...overrides } = deps;
  const t = await startTestNode(routingToken ? { ...config, routingToken } : config, overrides);
  return { app: t.node.app, baseUrl: t.baseUrl, dataSource: t.dataSource, close: () => t.close() };
}
