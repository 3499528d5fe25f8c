import { type ErrorRequestHandler, type RequestHandler } from 'express';

import { type ErrorBody } from '@contracts/error-codes';
import { AppError, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { type Logger } from '@server/common/logger/logger';

/** Maps body-parser, database and unknown errors onto AppError so one place renders them. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new AppError('MALFORMED_JSON', 400, 'Request body is not valid JSON');
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 413, 'Request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported request encoding');
  }
  const pg = pgErrorCode(err);
  if (pg === PG_UNIQUE_VIOLATION) return new AppError('CONFLICT', 409, 'Conflicts with an existing record');
  if (pg === PG_FOREIGN_KEY_VIOLATION) {
    return new AppError('VALIDATION_FAILED', 400, 'Refers to a record that does not exist');
  }
  return new AppError('INTERNAL', 500, 'Internal server error', { cause: err, isOperational: false });
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.httpStatus >= 500) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
    if (appError.details !== undefined) body.error.details = appError.details;
    res.status(appError.httpStatus).json(body);
  };
}

export const notFoundRoute: RequestHandler = (_req, _res, next) => {
  next(new AppError('NOT_FOUND', 404, 'No such endpoint'));
};
