import { Router } from 'express';

import { currentUser } from '@server/modules/auth/auth.middleware';
import { type SoftphoneSettings, softphoneConfigFor } from '@server/modules/softphone/softphone.service';

export function softphoneRouter(settings: SoftphoneSettings): Router {
  const router = Router();
  router.get('/config', (_req, res) => {
    // Credentials: never cached by a proxy or the browser's disk cache.
    res.set('Cache-Control', 'no-store, private');
    res.json(softphoneConfigFor(currentUser(res), settings));
  });
  return router;
}
