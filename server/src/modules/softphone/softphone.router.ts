import { Router } from 'express';

import { currentUser } from '@server/common/auth/auth-guards';
import { type SoftphoneService } from '@server/modules/softphone/softphone.service';

export function softphoneRouter(softphone: SoftphoneService): Router {
  const router = Router();
  router.get('/config', async (_req, res) => {
    // Credentials: never cached by a proxy or the browser's disk cache.
    res.set('Cache-Control', 'no-store, private');
    res.json(await softphone.configFor(currentUser(res)));
  });
  return router;
}
