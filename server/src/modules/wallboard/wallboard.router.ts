import { Router } from 'express';

import { requireRole } from '@server/modules/auth/auth.middleware';

import { type WallboardService } from './wallboard.service';

export function wallboardRouter(wallboard: WallboardService): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (_req, res) => {
    res.json(await wallboard.snapshot());
  });
  return router;
}
