import { Router } from 'express';

import { agentUserParamsSchema, setAgentStateRequestSchema } from '@contracts/dto/agent';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';

import { type AgentsService } from './agents.service';

export function agentsRouter(agents: AgentsService): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (_req, res) => {
    res.json({ items: await agents.list() });
  });
  router.get('/me', async (_req, res) => {
    res.json({ agent: await agents.get(currentUser(res).id) });
  });
  router.put('/me/state', async (req, res) => {
    const user = currentUser(res);
    res.json(await agents.setState(user, user.id, parseInput(setAgentStateRequestSchema, req.body)));
  });
  router.put('/:userId/state', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { userId } = parseInput(agentUserParamsSchema, req.params);
    res.json(await agents.setState(currentUser(res), userId, parseInput(setAgentStateRequestSchema, req.body)));
  });
  return router;
}
