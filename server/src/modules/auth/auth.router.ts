import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { type Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

import { loginRequestSchema, userSchema } from '@contracts/dto/user';
import { type Config } from '@server/config/env';
import { parseInput } from '@server/common/http/validate';
import { authError } from '@server/common/auth/auth.errors';
import { currentUser } from '@server/common/auth/auth-guards';
import { type AuthService, SESSION_COOKIE, readSessionToken } from '@server/modules/auth/auth.service';

export function authRouter(
  auth: AuthService,
  config: Pick<Config, 'loginRateLimit' | 'nodeEnv'> & { demoCalls?: boolean },
  redis?: Redis | null,
): Router {
  const router = Router();
  // Beside the user, so every screen can label the demo telephony's calls as such (absent with a real PBX).
  const session = config.demoCalls ? { demoCalls: true } : {};
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    // Secure only in production: the quick start is plain http on localhost.
    secure: config.nodeEnv === 'production',
    path: '/',
  };

  // Keyed by IP + login: one attacker cannot lock everybody out, and one login cannot be sprayed from one IP.
  const loginLimiter = rateLimit({
    windowMs: config.loginRateLimit.windowMs,
    limit: config.loginRateLimit.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only failures count: a user who signs in on several devices is never locked out.
    skipSuccessfulRequests: true,
    keyGenerator: (req) => {
      const login: unknown = (req.body as { login?: unknown } | undefined)?.login;
      return `${ipKeyGenerator(req.ip ?? 'unknown')}|${typeof login === 'string' ? login.trim().toLowerCase() : ''}`;
    },
    handler: (_req, _res, next) => next(authError('RATE_LIMITED')),
    // With Redis every web node counts in one place; in memory, N nodes behind a balancer would allow N × the limit.
    ...(redis
      ? {
          store: new RedisStore({
            prefix: 'zvonok:login-limit:',
            sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
          }),
        }
      : {}),
    // X-Forwarded-For without TRUST_PROXY is ignored on purpose (req.ip is the peer); no need to warn about it.
    validate: { xForwardedForHeader: false },
  });

  router.post('/login', loginLimiter, async (req, res) => {
    const body = parseInput(loginRequestSchema, req.body);
    const previous = readSessionToken(req.headers.cookie);
    const result = await auth.login(body.login, body.password, { ip: req.ip, userAgent: req.get('user-agent') });
    await auth.logout(previous);
    res.cookie(SESSION_COOKIE, result.token, { ...cookieOptions, expires: result.expiresAt });
    res.json({ user: result.user, ...session });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(readSessionToken(req.headers.cookie));
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  router.get('/me', (_req, res) => {
    // The schema drops what the server keeps for itself (a supervisor's team scope).
    res.json({ user: userSchema.parse(currentUser(res)), ...session });
  });

  return router;
}
