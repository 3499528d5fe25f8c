import { type RequestHandler, type Response } from 'express';

import { API_TOKEN_PREFIX, type ApiTokenScope, scopeGrants } from '@contracts/dto/api-token';
import { routeMatcher } from '@server/common/http/route-pattern';

import { apiTokensError } from './api-tokens.errors';
import { type ApiTokensService, type TokenPrincipal } from './api-tokens.service';

interface TokenLocals {
  apiToken?: TokenPrincipal;
  user?: TokenPrincipal['user'];
}

/** Only `Bearer zv_…` is ours: a proxy's Basic auth, or another bearer scheme in front of Zvonok, passes untouched. */
const OUR_BEARER = new RegExp(`^Bearer\\s+(${API_TOKEN_PREFIX}\\S*)\\s*$`, 'i');

export const tokenOf = (res: Response): TokenPrincipal | undefined => (res.locals as TokenLocals).apiToken;

/**
 * `Authorization: Bearer zv_…`: the request acts as the token's owner (the cookie, if any, is not read). A token that
 * is unknown, revoked or expired, or whose owner was deactivated, is 401 whatever else the request carries.
 */
export function bearerTokenAuth(tokens: ApiTokensService): RequestHandler {
  return async (req, res, next) => {
    const presented = OUR_BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (presented === undefined) return next();
    const principal = await tokens.authenticate(presented);
    if (!principal) throw apiTokensError('UNAUTHENTICATED');
    const locals = res.locals as TokenLocals;
    locals.apiToken = principal;
    locals.user = principal.user;
    await tokens.recordUse(principal, { method: req.method, path: `${req.baseUrl}${req.path}`, ip: req.ip ?? null });
    next();
  };
}

/**
 * Runs `handler` for cookie requests only. The CSRF guard defends the cookie session (a token request is not
 * something a foreign page can make a browser send), and the session must not override the token's identity.
 */
export function unlessTokenRequest(handler: RequestHandler): RequestHandler {
  return (req, res, next) => (tokenOf(res) ? next() : handler(req, res, next));
}

/** A route as the scope guard sees it (the API route catalogue). */
export interface ScopedRoute {
  method: string;
  path: string;
  scope: ApiTokenScope | 'any' | null;
}

/**
 * Refuses a token request unless the route's scope is among the token's (a write scope covers its read). A route
 * the catalogue does not know, or one for people only (scope null), refuses every token: deny by default.
 */
export function tokenScopeGuard(routes: readonly ScopedRoute[]): RequestHandler {
  const find = routeMatcher(routes);
  return (req, res, next) => {
    const principal = tokenOf(res);
    if (!principal) return next();
    const scope = find(req.method, `${req.baseUrl}${req.path}`)?.scope ?? null;
    if (scope === 'any') return next();
    if (scope === null) throw apiTokensError('INSUFFICIENT_SCOPE', { required: null, sessionOnly: true });
    if (!scopeGrants(principal.scopes, scope)) throw apiTokensError('INSUFFICIENT_SCOPE', { required: scope });
    next();
  };
}
