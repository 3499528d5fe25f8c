import { Router } from 'express';

import { assertRoutingToken } from '@server/common/http/routing-token';
import { parseInput } from '@server/common/http/validate';
import { ownerQuerySchema } from '@server/modules/routing/routing.types';
import { type RoutingService } from '@server/modules/routing/routing.service';

/**
 * `GET /api/routing/owner?phone=<callerid>` for the dialplan (func_curl): the owner's extension as plain text,
 * an empty body when there is none. func_curl cannot keep a session cookie, so a shared token (header
 * `X-Routing-Token`, `Authorization: Bearer`, or `?token=`) stands in; without ROUTING_TOKEN the lookup is off
 * and every request is 401. A GET changes nothing, so the CSRF header is not needed.
 */
export function routingRouter(routing: RoutingService, token: string | undefined): Router {
  const router = Router();
  router.get('/owner', async (req, res) => {
    const query = parseInput(ownerQuerySchema, req.query);
    assertRoutingToken(req, token, query.token);
    const extension = await routing.ownerExtension(query.phone);
    res.type('text/plain').send(extension ?? '');
  });
  return router;
}
