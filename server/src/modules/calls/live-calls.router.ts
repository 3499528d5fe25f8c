import { Router } from 'express';

import { currentUser } from '@server/common/auth/auth-guards';

import { type LiveCallsService } from './live-calls.service';

/** `GET /api/calls/active`: the REST resync a client runs after (re)connecting its socket. */
export function liveCallsRouter(liveCalls: LiveCallsService): Router {
  const router = Router();
  router.get('/active', async (_req, res) => {
    res.json(await liveCalls.listActive(currentUser(res)));
  });
  return router;
}
