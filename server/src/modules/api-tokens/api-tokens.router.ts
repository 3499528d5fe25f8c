import { Router } from 'express';

import { createApiTokenRequestSchema } from '@contracts/dto/api-token';
import { idParamsSchema } from '@contracts/dto/common';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';

import { type ApiTokensService } from './api-tokens.service';

export function apiTokensRouter(tokens: ApiTokensService): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ items: await tokens.list(currentUser(res)) });
  });
  router.post('/', async (req, res) => {
    const body = parseInput(createApiTokenRequestSchema, req.body);
    res.status(201).json(await tokens.create(currentUser(res), body, { ip: req.ip ?? null }));
  });
  router.delete('/:id', async (req, res) => {
    await tokens.revoke(currentUser(res), parseInput(idParamsSchema, req.params).id, { ip: req.ip ?? null });
    res.status(204).end();
  });
  return router;
}
