import http from 'node:http';

import express from 'express';

import { errorMiddleware, notFoundRoute } from '@server/common/errors/error-middleware';
import { type Logger } from '@server/common/logger/logger';
import { serveMetrics } from '@server/modules/health/health.router';

export interface MetricsServer {
  close(): Promise<void>;
}

/**
 * `/metrics` alone on a listener of its own (METRICS_PORT, METRICS_HOST loopback by default), for a scraper on the
 * same host or pod: no token, and nothing else of the app is reachable there.
 */
export async function startMetricsServer(
  listen: { host: string; port: number },
  logger: Logger,
): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', serveMetrics);
  app.use(notFoundRoute);
  app.use(errorMiddleware(logger));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
