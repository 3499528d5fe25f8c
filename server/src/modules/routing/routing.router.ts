import { type Request, Router } from 'express';
import { z } from 'zod';

import { AppError } from '@server/common/errors/app-error';
import { sameSecret } from '@server/common/http/same-secret';
import { parseInput } from '@server/common/http/validate';
import { type RoutingService } from '@server/modules/routing/routing.service';

export const ROUTING_TOKEN_HEADER = 'x-routing-token';

export const ownerQuerySchema = z.object({
  phone: z.string().max(64).default(''),
  token: z.string().max(256).optional(),
});

function presentedToken(req: Request, queryToken: string | undefined): string | undefined {
  const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
  return req.get(ROUTING_TOKEN_HEADER) ?? bearer ?? queryToken;
}

/** 401 unless the request carries ROUTING_TOKEN (header, bearer or `?token=`); every dialplan lookup checks it. */
export function assertRoutingToken(req: Request, token: string | undefined, queryToken: string | undefined): void {
  const given = presentedToken(req, queryToken);
  if (!token || !given || !sameSecret(given, token)) {
    throw new AppError('UNAUTHENTICATED', 401, 'Routing token missing or wrong (X-Routing-Token or ?token=)');
  }
}

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
