import { Router } from 'express';

import { timelineQuerySchema } from '@contracts/dto/timeline';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';

import { type TimelineService } from './timeline.service';

export function timelineRouter(timeline: TimelineService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await timeline.page(currentUser(res), parseInput(timelineQuerySchema, req.query)));
  });
  return router;
}
