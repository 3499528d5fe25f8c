import { Router } from 'express';

import { type HealthService } from '@server/modules/health/health.service';
import { metricsRegistry } from '@server/modules/health/metrics';

/**
 * Probes and metrics at the root (outside /api: no session, no CSRF). `/healthz` = the process serves HTTP;
 * `/readyz` = its dependencies answer (503 naming the failed part); `/metrics` = Prometheus text format.
 * The server binds loopback by default; expose these to the scraper/orchestrator network only.
 */
export function healthRouter(health: HealthService): Router {
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
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}
