import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { createTeamRequestSchema, updateTeamRequestSchema } from '@contracts/dto/team';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type TeamsService } from '@server/modules/teams/teams.service';

/** `GET /api/teams` (staff; a team supervisor gets their own teams), create/update/delete for admins. */
export function teamsRouter(teams: TeamsService): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (_req, res) => {
    res.json({ items: await teams.list(currentUser(res)) });
  });
  router.post('/', requireRole('admin'), async (req, res) => {
    res.status(201).json(await teams.create(currentUser(res), parseInput(createTeamRequestSchema, req.body)));
  });
  router.patch('/:id', requireRole('admin'), async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await teams.update(currentUser(res), id, parseInput(updateTeamRequestSchema, req.body)));
  });
  router.delete('/:id', requireRole('admin'), async (req, res) => {
    await teams.remove(currentUser(res), parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  return router;
}
