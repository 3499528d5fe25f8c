import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  convertLeadRequestSchema,
  createLeadRequestSchema,
  leadListQuerySchema,
  updateLeadRequestSchema,
} from '@contracts/dto/lead';
import { crudRoutes } from '@server/common/http/crud-routes';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type LeadConversion } from '@server/modules/leads/lead-conversion.service';
import { type LeadsService } from '@server/modules/leads/leads.service';

export function leadsRouter(leads: LeadsService, conversion: LeadConversion): Router {
  const router = Router();
  // The contact (existing or new) and optionally a first deal, in one step: `{lead, contact, deal}`.
  router.post('/:id/convert', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await conversion.convert(currentUser(res), id, parseInput(convertLeadRequestSchema, req.body)));
  });
  return crudRoutes(router, leads, {
    schemas: { list: leadListQuerySchema, create: createLeadRequestSchema, update: updateLeadRequestSchema },
    viewer: currentUser,
    // Supervisors, managers and admins; audited, and the new owner is told.
    reassign: requireRole('admin', 'manager', 'supervisor'),
  });
}
