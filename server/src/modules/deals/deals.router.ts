import { Router } from 'express';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import {
  createDealRequestSchema,
  dealListQuerySchema,
  dealStageTotalsQuerySchema,
  updateDealRequestSchema,
} from '@contracts/dto/deal';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type DealsService } from '@server/modules/deals/deals.service';

export function dealsRouter(deals: DealsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await deals.list(currentUser(res), parseInput(dealListQuerySchema, req.query)));
  });
  router.get('/stage-totals', async (req, res) => {
    const { pipelineId } = parseInput(dealStageTotalsQuerySchema, req.query);
    res.json({ items: await deals.stageTotals(currentUser(res), pipelineId) });
  });
  router.get('/:id', async (req, res) => {
    res.json(await deals.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await deals.create(currentUser(res), parseInput(createDealRequestSchema, req.body)));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await deals.update(currentUser(res), id, parseInput(updateDealRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await deals.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  // Supervisors, managers and admins; audited, and the new owner is told.
  router.post('/:id/reassign', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await deals.reassign(currentUser(res), id, parseInput(reassignRequestSchema, req.body).userId));
  });
  router.get('/:id/history', async (req, res) => {
    res.json({ items: await deals.history(currentUser(res), parseInput(idParamsSchema, req.params).id) });
  });
  return router;
}
