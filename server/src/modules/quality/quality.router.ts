import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { reviewExportQuerySchema, reviewListQuerySchema, reviewRequestSchema } from '@contracts/dto/quality';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/modules/auth/auth.middleware';
import { toCsv, toXlsx } from '@server/common/export/table-export';

import { type QualityService } from './quality.service';

/**
 * Same roles as listening to any recording (recordings.service `mayListenByRole`): supervisors and managers.
 * Admins are refused here as they are refused the audio.
 */
const REVIEWERS = requireRole('supervisor', 'manager');

/** `GET /api/reviews?…filters&limit&offset` and `GET /api/reviews/export?…filters&format=csv|xlsx`. */
export function reviewsRouter(quality: QualityService): Router {
  const router = Router();
  router.use(REVIEWERS);
  router.get('/', async (req, res) => {
    res.json(await quality.list(currentUser(res), parseInput(reviewListQuerySchema, req.query)));
  });
  router.get('/export', async (req, res) => {
    const q = parseInput(reviewExportQuerySchema, req.query);
    const table = await quality.exportTable(currentUser(res), q);
    const stem = `zvonok-call-reviews-${new Date().toISOString().slice(0, 10)}`;
    if (q.format === 'xlsx') {
      res.set('Content-Disposition', `attachment; filename="${stem}.xlsx"`);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(table));
      return;
    }
    res.set('Content-Disposition', `attachment; filename="${stem}.csv"`);
    res.type('text/csv; charset=utf-8').send(toCsv(table));
  });
  return router;
}

/** `PUT /api/calls/:id/review {score, scriptFollowed, comment}`; mounted on /calls, so the role check is per route. */
export function callReviewRouter(quality: QualityService): Router {
  const router = Router();
  router.put('/:id/review', REVIEWERS, async (req, res) => {
    const { id } = parseInput(idParamsSchema, req.params);
    res.json(await quality.review(currentUser(res), id, parseInput(reviewRequestSchema, req.body)));
  });
  return router;
}
