import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

import { type Config } from '@server/config/env';

export type { Logger };

/**
 * Root logger; modules take child loggers (`logger.child({ module: 'auth' })`). JSON lines for log collectors; on a
 * terminal (someone ran `npm start` and reads it) the same records pretty-printed, synchronously so they stay in
 * order with what main.ts prints itself.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, terminal = process.stdout.isTTY === true): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: ['req.headers.cookie', 'password', '*.password', 'passwordHash'], censor: '[redacted]' },
  };
  return terminal
    ? pino(options, pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }))
    : pino(options);
}
