import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  createCustomFieldRequestSchema,
  customFieldListQuerySchema,
  updateCustomFieldRequestSchema,
} from '@contracts/dto/custom-field';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type CustomFieldsService } from '@server/modules/custom-fields/custom-fields.service';

const ADMIN = requireRole('admin');

/**
 * `GET /api/custom-fields?entity=&includeRemoved=` (everyone: forms and lists need the definitions); admins create,
 * change, remove (values kept), restore and purge (values deleted) them.
 */
export function customFieldsRouter(fields: CustomFieldsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json({ items: await fields.list(parseInput(customFieldListQuerySchema, req.query)) });
  });
  router.post('/', ADMIN, async (req, res) => {
    res.status(201).json(await fields.create(currentUser(res), parseInput(createCustomFieldRequestSchema, req.body)));
  });
  router.patch('/:id', ADMIN, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await fields.update(currentUser(res), id, parseInput(updateCustomFieldRequestSchema, req.body)));
  });
  router.delete('/:id', ADMIN, async (req, res) => {
    res.json(await fields.remove(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/:id/restore', ADMIN, async (req, res) => {
    res.json(await fields.restore(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.delete('/:id/values', ADMIN, async (req, res) => {
    res.json(await fields.purge(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  return router;
}
