import { type RequestHandler } from 'express';

import { attachSession } from '@server/common/auth/auth-guards';
import { type AuthService, readSessionToken } from '@server/modules/auth/auth.service';

/** Attaches the session user (if any) and the session's id to the request; never rejects by itself. */
export function sessionMiddleware(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    attachSession(res, await auth.authenticateSession(readSessionToken(req.headers.cookie)));
    next();
  };
}
