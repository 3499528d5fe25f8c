import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { spyRequestSchema } from '@contracts/dto/supervision';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';

import { type SupervisionService } from './supervision.service';

/** Mounted at /calls beside the calls routers; it only answers POST /:id/spy. */
export function supervisionRouter(supervision: SupervisionService): Router {
  const router = Router();
  router.post('/:id/spy', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    const { mode } = parseInput(spyRequestSchema, req.body);
    res.json(await supervision.spy(currentUser(res), id, mode));
  });
  return router;
}
