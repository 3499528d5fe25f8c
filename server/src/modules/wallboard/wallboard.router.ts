import { Router } from 'express';

import { wallboardQuerySchema } from '@contracts/dto/wallboard';
import { parseInput } from '@server/common/http/validate';
import { scopeIds, seesAll } from '@server/common/access/visibility';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type TeamScopeReadModel } from '@server/modules/teams/team-scope.read-model';

import { type WallboardService } from './wallboard.service';

/** `GET /api/wallboard?teamId=`: a team supervisor sees their teams' operators; a team filter narrows to one. */
export function wallboardRouter(wallboard: WallboardService, teams: TeamScopeReadModel): Router {
  const router = Router();
  router.get('/', requireRole('admin', 'manager', 'supervisor'), async (req, res) => {
    const { teamId } = parseInput(wallboardQuerySchema, req.query);
    const viewer = currentUser(res);
    const operators = teamId ? await teams.filterFor(viewer, teamId) : seesAll(viewer) ? undefined : scopeIds(viewer);
    res.json(await wallboard.snapshot(new Date(), operators));
  });
  return router;
}
