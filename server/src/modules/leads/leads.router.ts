import { Router } from 'express';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import {
  convertLeadRequestSchema,
  createLeadRequestSchema,
  leadListQuerySchema,
  updateLeadRequestSchema,
} from '@contracts/dto/lead';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type LeadConversion } from '@server/modules/leads/lead-conversion.service';
import { type LeadsService } from '@server/modules/leads/leads.service';

export function leadsRouter(leads: LeadsService, conversion: LeadConversion): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await leads.list(currentUser(res), parseInput(leadListQuerySchema, req.query)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await leads.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await leads.create(currentUser(res), parseInput(createLeadRequestSchema, req.body)));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await leads.update(currentUser(res), id, parseInput(updateLeadRequestSchema, req.body)));
  });
  // The contact (existing or new) and optionally a first deal, in one step: `{lead, contact, deal}`.
  router.post('/:id/convert', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await conversion.convert(currentUser(res), id, parseInput(convertLeadRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await leads.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  // Supervisors, managers and admins; audited, and the new owner is told.
  router.post('/:id/reassign', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await leads.reassign(currentUser(res), id, parseInput(reassignRequestSchema, req.body).userId));
  });
  return router;
}
