import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  addDealItemRequestSchema,
  createDealRequestSchema,
  dealItemParamsSchema,
  dealListQuerySchema,
  dealStageTotalsQuerySchema,
  updateDealItemRequestSchema,
  updateDealRequestSchema,
} from '@contracts/dto/deal';
import { crudRoutes } from '@server/common/http/crud-routes';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type DealsService } from '@server/modules/deals/deals.service';

export function dealsRouter(deals: DealsService): Router {
  const router = Router();
  router.get('/stage-totals', async (req, res) => {
    const { pipelineId } = parseInput(dealStageTotalsQuerySchema, req.query);
    res.json({ items: await deals.stageTotals(currentUser(res), pipelineId) });
  });
  router.get('/:id/history', async (req, res) => {
    res.json({ items: await deals.history(currentUser(res), parseInput(idParamsSchema, req.params).id) });
  });
  // Line items: whoever may change the deal may change its items; each answers the items and the new amount.
  router.get('/:id/items', async (req, res) => {
    res.json(await deals.items(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/:id/items', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.status(201).json(await deals.addItem(currentUser(res), id, parseInput(addDealItemRequestSchema, req.body)));
  });
  router.patch('/:id/items/:itemId', async (req, res) => {
    const { id, itemId } = parseInput(dealItemParamsSchema, req.params);
    const { quantity } = parseInput(updateDealItemRequestSchema, req.body);
    res.json(await deals.changeItem(currentUser(res), id, itemId, quantity));
  });
  router.delete('/:id/items/:itemId', async (req, res) => {
    const { id, itemId } = parseInput(dealItemParamsSchema, req.params);
    res.json(await deals.removeItem(currentUser(res), id, itemId));
  });
  return crudRoutes(router, deals, {
    schemas: { list: dealListQuerySchema, create: createDealRequestSchema, update: updateDealRequestSchema },
    viewer: currentUser,
    // Supervisors, managers and admins; audited, and the new owner is told.
    reassign: requireRole('admin', 'manager', 'supervisor'),
  });
}
