import { Router } from 'express';

import { businessHoursParamsSchema, putBusinessHoursRequestSchema } from '@contracts/dto/business-hours';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';

import { type BusinessHoursService } from './business-hours.service';

export function businessHoursRouter(hours: BusinessHoursService): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (_req, res) => {
    res.json({ items: await hours.list() });
  });
  router.put('/:queue', requireRole('admin'), async (req, res) => {
    const { queue } = parseInput(businessHoursParamsSchema, req.params);
    res.json(await hours.put(currentUser(res), queue, parseInput(putBusinessHoursRequestSchema, req.body)));
  });
  return router;
}
