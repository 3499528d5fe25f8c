import { type RequestHandler, Router } from 'express';

import { AppError } from '@server/common/errors/app-error';
import { sameSecret } from '@server/common/http/same-secret';
import { type HealthService } from '@server/modules/health/health.service';
import { metricsRegistry } from '@server/modules/health/metrics';

/** `/metrics` in Prometheus text format (also served alone on METRICS_PORT, see metrics-server.ts). */
export const serveMetrics: RequestHandler = async (_req, res) => {
  res.set('Content-Type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
};

/**
 * Probes and metrics at the root (outside /api: no session, no CSRF, no Host check — orchestrators probe by IP).
 * `/healthz` = the process serves HTTP; `/readyz` = its dependencies answer (503 naming the failed part).
 * `/metrics` tells about calls and load, so on this port it answers only `Authorization: Bearer <METRICS_TOKEN>`;
 * without a token it is not served here at all (METRICS_PORT serves it on a loopback port of its own).
 */
export function healthRouter(health: HealthService, metricsToken?: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await health.readiness();
    res
      .set('Cache-Control', 'no-store')
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ok' : 'fail', checks });
  });
  router.get('/metrics', (req, _res, next) => {
    if (!metricsToken) throw new AppError('NOT_FOUND', 404, 'Metrics are served on METRICS_PORT or with METRICS_TOKEN');
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !sameSecret(given, metricsToken)) {
      throw new AppError('UNAUTHENTICATED', 401, 'Send Authorization: Bearer <METRICS_TOKEN>');
    }
    next();
  });
  router.get('/metrics', serveMetrics);
  return router;
}
