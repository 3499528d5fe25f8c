import { Router } from 'express';

import { analyticsQuerySchema } from '@contracts/dto/analytics';
import { setTargetRequestSchema, targetParamsSchema } from '@contracts/dto/analytics-roles';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type AnalyticsRolesService } from '@server/modules/analytics/analytics-roles.service';
import { respond } from '@server/modules/analytics/analytics.respond';
import { callDirectionsTable, dashboardsTable, salesTable } from '@server/modules/analytics/analytics-roles.tables';

/**
 * Figures for every role (issue #20), mounted beside the analytics router:
 * - `GET /api/analytics/me` — anyone: their own dashboard (today, the range, targets); nobody else's.
 * - `GET /api/analytics/team` — staff: a dashboard per operator in their scope.
 * - `GET /api/analytics/sales`, `GET /api/analytics/call-directions` — staff.
 * Each GET takes `format=csv|xlsx` (and `lang`) like the other reports: the same figures as a table file.
 * - `PUT /api/analytics/targets/:userId {metric, period, value|null}` — supervisors and admins; 204.
 */
export function analyticsRolesRouter(service: AnalyticsRolesService): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await service.mine(q, currentUser(res));
    await respond(res, q, data, (x) => dashboardsTable('my-stats', [data.dashboard], x));
  });
  router.get('/team', requireRole('manager', 'supervisor', 'admin'), async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await service.team(q, currentUser(res));
    await respond(res, q, data, (x) => dashboardsTable('team', data.rows, x));
  });
  router.get('/sales', requireRole('manager', 'supervisor', 'admin'), async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await service.sales(q, currentUser(res));
    await respond(res, q, data, (x) => salesTable(data, x));
  });
  router.get('/call-directions', requireRole('manager', 'supervisor', 'admin'), async (req, res) => {
    const q = parseInput(analyticsQuerySchema, req.query);
    const data = await service.callDirections(q, currentUser(res));
    await respond(res, q, data, (x) => callDirectionsTable(data, x));
  });
  router.put('/targets/:userId', requireRole('supervisor', 'admin'), async (req, res) => {
    const { userId } = parseInput(targetParamsSchema, req.params);
    await service.setTarget(currentUser(res), userId, parseInput(setTargetRequestSchema, req.body));
    res.status(204).end();
  });
  return router;
}
