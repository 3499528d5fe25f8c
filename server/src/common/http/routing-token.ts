import { type Request } from 'express';

import { AppError } from '@server/common/errors/app-error';
import { sameSecret } from '@server/common/http/same-secret';

const ROUTING_TOKEN_HEADER = 'x-routing-token';

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
