import { Router } from 'express';

import { idParamsSchema } from '@contracts/dto/common';
import { notificationListQuerySchema } from '@contracts/dto/notification';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';

import { type NotificationsService } from './notifications.service';

/** `/api/notifications`: the signed-in user's own, newest first; nobody reads or marks anyone else's. */
export function notificationsRouter(notifications: NotificationsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await notifications.list(currentUser(res).id, parseInput(notificationListQuerySchema, req.query)));
  });
  router.post('/read-all', async (_req, res) => {
    res.json(await notifications.markAllRead(currentUser(res).id));
  });
  router.post('/:id/read', async (req, res) => {
    await notifications.markRead(currentUser(res).id, parseInput(idParamsSchema, req.params).id);
    res.status(204).end();
  });
  return router;
}
