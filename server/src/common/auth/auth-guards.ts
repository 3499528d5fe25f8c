import { type RequestHandler, type Response } from 'express';

import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@contracts/error-codes';
import { type Role } from '@contracts/dto/user';
import { type Viewer } from '@server/common/access/visibility';
import { authError } from '@server/common/auth/auth.errors';

interface AuthLocals {
  user?: Viewer;
  sessionId?: string;
}

/** Records the request's session owner (none: an anonymous request) for the guards below. */
export function attachSession(res: Response, owner: { user: Viewer; sessionId: string } | null): void {
  (res.locals as AuthLocals).user = owner?.user;
  (res.locals as AuthLocals).sessionId = owner?.sessionId;
}

/** The authenticated user (with a team supervisor's scope); throws 401 when there is none. */
export function currentUser(res: Response): Viewer {
  const user = (res.locals as AuthLocals).user;
  if (!user) throw authError('UNAUTHENTICATED');
  return user;
}

/** The session the request came with; throws 401 when there is none. */
export function currentSessionId(res: Response): string {
  const sessionId = (res.locals as AuthLocals).sessionId;
  if (!sessionId) throw authError('UNAUTHENTICATED');
  return sessionId;
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
