import { Router } from 'express';

import { updateSettingsRequestSchema } from '@contracts/dto/settings';
import { parseInput } from '@server/common/http/validate';
import { currentUser, requireRole } from '@server/common/auth/auth-guards';
import { type SettingsService } from '@server/modules/settings/settings.service';

/** `GET /api/settings` (everyone: the client needs the zone and the country), `PUT /api/settings` (admins). */
export function settingsRouter(settings: SettingsService): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(settings.current());
  });
  router.put('/', requireRole('admin'), async (req, res) => {
    res.json(await settings.update(currentUser(res), parseInput(updateSettingsRequestSchema, req.body)));
  });
  return router;
}
