import { Router } from 'express';

import { searchQuerySchema } from '@contracts/dto/search';
import { parseInput } from '@server/common/http/validate';
import { currentUser } from '@server/common/auth/auth-guards';
import { type SearchService } from '@server/modules/search/search.service';

export function searchRouter(search: SearchService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await search.search(currentUser(res), parseInput(searchQuerySchema, req.query)));
  });
  return router;
}
