import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { createPipelineRequestSchema, updatePipelineRequestSchema } from '@contracts/dto/pipeline';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type PipelinesService } from '@server/modules/pipelines/pipelines.service';

const ADMIN = requireRole('admin');

/** `GET /api/pipelines` (everyone: the kanban needs the stages); admins create, edit and delete pipelines. */
export function pipelinesRouter(pipelines: PipelinesService): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ items: await pipelines.list() });
  });
  router.post('/', ADMIN, async (req, res) => {
    res.status(201).json(await pipelines.create(currentUser(res), parseInput(createPipelineRequestSchema, req.body)));
  });
  router.patch('/:id', ADMIN, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await pipelines.update(currentUser(res), id, parseInput(updatePipelineRequestSchema, req.body)));
  });
  router.delete('/:id', ADMIN, async (req, res) => {
    await pipelines.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  return router;
}
