import { Router } from 'express';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import { taskListQuerySchema, createTaskRequestSchema, updateTaskRequestSchema } from '@contracts/dto/task';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type TasksService } from '@server/modules/tasks/tasks.service';

export function tasksRouter(tasks: TasksService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await tasks.list(currentUser(res), parseInput(taskListQuerySchema, req.query)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await tasks.get(currentUser(res), parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await tasks.create(currentUser(res), parseInput(createTaskRequestSchema, req.body)));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await tasks.update(currentUser(res), id, parseInput(updateTaskRequestSchema, req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await tasks.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  // Supervisors, managers and admins; audited, and the new owner is told.
  router.post('/:id/reassign', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await tasks.reassign(currentUser(res), id, parseInput(reassignRequestSchema, req.body).userId));
  });
  return router;
}
