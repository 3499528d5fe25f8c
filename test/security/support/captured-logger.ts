import { Writable } from 'node:stream';

import { pino, type Logger } from 'pino';

export interface CapturedLog {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real pino logger at `debug` whose lines are kept, parsed, for assertions on what was logged and how loud. */
export function capturedLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as CapturedLog);
        done();
      },
    }),
  );
  return { logger, lines };
}

/** pino's numeric level of `error`. */
export const ERROR_LEVEL = 50;
