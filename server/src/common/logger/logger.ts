import { pino, type Logger } from 'pino';

import { type Config } from '@server/config/env';

export type { Logger };

/** Root logger; modules take child loggers (`logger.child({ module: 'auth' })`). */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.cookie', 'password', '*.password', 'passwordHash'], censor: '[redacted]' },
  });
}
