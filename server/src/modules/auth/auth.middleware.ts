import { type RequestHandler, type Response } from 'express';

import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@contracts/error-codes';
import { type Role, type UserDto } from '@contracts/dto/user';
import { authError } from '@server/modules/auth/auth.errors';
import { type AuthService, readSessionToken } from '@server/modules/auth/auth.service';

interface AuthLocals {
  user?: UserDto;
}

/** Attaches the session user (if any) to res.locals; never rejects by itself. */
export function sessionMiddleware(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    (res.locals as AuthLocals).user = (await auth.authenticate(readSessionToken(req.headers.cookie))) ?? undefined;
    next();
  };
}

/** The authenticated user; throws 401 when there is none. */
export function currentUser(res: Response): UserDto {
  const user = (res.locals as AuthLocals).user;
  if (!user) throw authError('UNAUTHENTICATED');
  return user;
}

export const requireAuth: RequestHandler = (_req, res, next) => {
  currentUser(res);
  next();
};

/** 401 without a session, 403 when the role is not among `roles`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    if (!roles.includes(currentUser(res).role)) throw authError('FORBIDDEN');
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for the cookie session: every state-changing request must carry
 * `X-Requested-With: zvonok`. A cross-site form cannot set custom headers, and a cross-site
 * fetch that sets one needs a CORS preflight this server never approves. Chosen over Origin
 * checks because it also holds behind proxies that rewrite Host, and it covers login itself
 * (login CSRF). SameSite=Lax on the cookie is the second layer.
 */
export const csrfGuard: RequestHandler = (req, _res, next) => {
  if (!SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
    throw authError('CSRF_HEADER_MISSING');
  }
  next();
};
