import { Router } from 'express';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import { companyListQuerySchema, createCompanyRequestSchema, updateCompanyRequestSchema } from '@contracts/dto/company';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type CompaniesService } from '@server/modules/companies/companies.service';

export function companiesRouter(companies: CompaniesService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await companies.list(currentUser(res), parseInput(companyListQuerySchema, req.query)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await companies.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await companies.create(currentUser(res), parseInput(createCompanyRequestSchema, req.body)));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await companies.update(currentUser(res), id, parseInput(updateCompanyRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await companies.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  // Supervisors, managers and admins; audited, and the new owner is told.
  router.post('/:id/reassign', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await companies.reassign(currentUser(res), id, parseInput(reassignRequestSchema, req.body).userId));
  });
  return router;
}
