import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import {
  changeOwnPasswordRequestSchema,
  createUserRequestSchema,
  extensionCheckQuerySchema,
  reassignRequestSchema,
  resetPasswordRequestSchema,
  updateUserRequestSchema,
} from '@contracts/dto/user';
import { parseInput } from '@server/common/http/validate';
import { currentSessionId, currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type AuthService } from '@server/modules/auth/auth.service';
import { type UsersService } from '@server/modules/users/users.service';

const STAFF = requireRole('admin', 'manager', 'supervisor');
const ADMIN = requireRole('admin');

export function usersRouter(users: UsersService, sessions: Pick<AuthService, 'endSessionsExcept'>): Router {
  const router = Router();
  router.get('/', STAFF, async (_req, res) => {
    res.json({ items: await users.list(currentUser(res)) });
  });
  // Before '/:id': 'me' and 'extension-check' are not ids.
  router.post('/me/password', async (req, res) => {
    await users.changeOwnPassword(currentUser(res), parseInput(changeOwnPasswordRequestSchema, req.body), {
      sessionId: currentSessionId(res),
      endOthers: (userId, keep) => sessions.endSessionsExcept(userId, keep),
    });
    res.status(204).end();
  });
  router.get('/extension-check', ADMIN, async (req, res) => {
    const q = parseInput(extensionCheckQuerySchema, req.query);
    res.json(await users.checkExtension(q.extension, q.userId));
  });
  router.get('/:id', STAFF, async (req, res) => {
    res.json(await users.get(parseInput(idParamsSchema, req.params).id, currentUser(res)));
  });
  router.post('/', ADMIN, async (req, res) => {
    res.status(201).json(await users.create(parseInput(createUserRequestSchema, req.body), currentUser(res).id));
  });
  router.patch('/:id', ADMIN, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await users.update(id, parseInput(updateUserRequestSchema, req.body), currentUser(res).id));
  });
  router.post('/:id/password', ADMIN, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    await users.resetPassword(id, parseInput(resetPasswordRequestSchema, req.body), currentUser(res).id);
    res.status(204).end();
  });
  router.get('/:id/holdings', ADMIN, async (req, res) => {
    res.json(await users.holdings(parseInput(idParamsSchema, req.params).id));
  });
  router.post('/:id/reassign', ADMIN, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await users.reassign(id, parseInput(reassignRequestSchema, req.body), currentUser(res).id));
  });
  router.post('/:id/sip-secret/rotate', ADMIN, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await users.rotateSipSecret(id, currentUser(res).id));
  });
  return router;
}
