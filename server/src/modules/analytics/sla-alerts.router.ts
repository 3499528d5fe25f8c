import { Router } from 'express';

import { slaAlertsQuerySchema, slaQueueParamsSchema, slaThresholdRequestSchema } from '@contracts/dto/sla-alerts';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type SlaAlertsService } from '@server/modules/analytics/sla-alerts.service';

/**
 * `GET /api/analytics/sla-thresholds`, `GET /api/analytics/sla-alerts?open=true` (staff);
 * `PUT|DELETE /api/analytics/sla-thresholds/:queue` (admins and supervisors, audited).
 */
export function slaAlertsRouter(service: SlaAlertsService): Router {
  const router = Router();
  const staff = requireRole('manager', 'supervisor', 'admin');
  const setters = requireRole('supervisor', 'admin');
  router.get('/sla-thresholds', staff, async (_req, res) => {
    res.json(await service.thresholds());
  });
  router.put('/sla-thresholds/:queue', setters, async (req, res) => {
    const { queue } = parseInput(slaQueueParamsSchema, req.params);
    res.json(await service.setThreshold(currentUser(res).id, queue, parseInput(slaThresholdRequestSchema, req.body)));
  });
  router.delete('/sla-thresholds/:queue', setters, async (req, res) => {
    const { queue } = parseInput(slaQueueParamsSchema, req.params);
    await service.removeThreshold(currentUser(res).id, queue);
    res.status(204).end();
  });
  router.get('/sla-alerts', staff, async (req, res) => {
    const { open } = parseInput(slaAlertsQuerySchema, req.query);
    res.json(await service.alerts(open === 'true'));
  });
  return router;
}
