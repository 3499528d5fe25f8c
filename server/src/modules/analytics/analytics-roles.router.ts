import { Router } from 'express';

import { analyticsQuerySchema } from '@contracts/dto/analytics';
import { setTargetRequestSchema, targetParamsSchema } from '@contracts/dto/analytics-roles';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type AnalyticsRolesService } from '@server/modules/analytics/analytics-roles.service';

/**
 * Figures for every role (issue #20), mounted beside the analytics router:
 * - `GET /api/analytics/me` — anyone: their own dashboard (today, the range, targets); nobody else's.
 * - `GET /api/analytics/team` — staff: a dashboard per operator in their scope.
 * - `GET /api/analytics/sales`, `GET /api/analytics/call-directions` — staff.
 * - `PUT /api/analytics/targets/:userId {metric, period, value|null}` — supervisors and admins; 204.
 */
export function analyticsRolesRouter(service: AnalyticsRolesService): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    res.json(await service.mine(parseInput(analyticsQuerySchema, req.query), currentUser(res)));
  });
  router.get('/team', requireRole('manager', 'supervisor', 'admin'), async (req, res) => {
    res.json(await service.team(parseInput(analyticsQuerySchema, req.query), currentUser(res)));
  });
  router.get('/sales', requireRole('manager', 'supervisor', 'admin'), async (req, res) => {
    res.json(await service.sales(parseInput(analyticsQuerySchema, req.query), currentUser(res)));
  });
  router.get('/call-directions', requireRole('manager', 'supervisor', 'admin'), async (req, res) => {
    res.json(await service.callDirections(parseInput(analyticsQuerySchema, req.query), currentUser(res)));
  });
  router.put('/targets/:userId', requireRole('supervisor', 'admin'), async (req, res) => {
    const { userId } = parseInput(targetParamsSchema, req.params);
    await service.setTarget(currentUser(res), userId, parseInput(setTargetRequestSchema, req.body));
    res.status(204).end();
  });
  return router;
}
