import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { createUserRequestSchema, updateUserRequestSchema } from '@contracts/dto/user';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/modules/auth/auth.middleware';
import { type UsersService } from '@server/modules/users/users.service';

export function usersRouter(users: UsersService): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (_req, res) => {
    res.json({ items: await users.list() });
  });
  router.get('/:id', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    res.json(await users.get(parseInput(idParamsSchema, req.params).id));
  });
  router.post('/', requireRole('admin'), async (req, res) => {
    res.status(201).json(await users.create(parseInput(createUserRequestSchema, req.body), currentUser(res).id));
  });
  router.patch('/:id', requireRole('admin'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await users.update(id, parseInput(updateUserRequestSchema, req.body), currentUser(res).id));
  });
  router.post('/:id/sip-secret/rotate', requireRole('admin'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await users.rotateSipSecret(id, currentUser(res).id));
  });
  return router;
}
