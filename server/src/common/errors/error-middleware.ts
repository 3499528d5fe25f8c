import { type ErrorRequestHandler, type RequestHandler } from 'express';

import { type ErrorBody, type ErrorCode } from '@contracts/error-codes';
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
  // Express's router marks a path parameter with a broken percent-escape (`%E0%A4%A`) as a 400 URIError.
  if (err instanceof URIError) return new AppError('MALFORMED_URL', 400, 'The request path is not valid UTF-8');
  const status = clientErrorStatus(err);
  if (status !== undefined) {
    const code = CLIENT_ERROR_CODES[status] ?? 'BAD_REQUEST';
    return new AppError(code, status, CLIENT_ERROR_MESSAGES[code] ?? 'The request cannot be served', { cause: err });
  }
  const pg = pgErrorCode(err);
  if (pg === PG_UNIQUE_VIOLATION) return new AppError('CONFLICT', 409, 'Conflicts with an existing record');
  if (pg === PG_FOREIGN_KEY_VIOLATION) {
    return new AppError('VALIDATION_FAILED', 400, 'Refers to a record that does not exist');
  }
  return new AppError('INTERNAL', 500, 'Internal server error', { cause: err, isOperational: false });
}

/**
 * A 4xx status that a library (express, body-parser, http-errors) put on its error: the client's fault, so it keeps
 * its status instead of becoming a 500.
 */
function clientErrorStatus(err: unknown): number | undefined {
  const e = err as { status?: unknown; statusCode?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : e?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

const CLIENT_ERROR_CODES: Partial<Record<number, ErrorCode>> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
  429: 'RATE_LIMITED',
};

const CLIENT_ERROR_MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflicts with the current state',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported request encoding',
  RANGE_NOT_SATISFIABLE: 'The requested range is not satisfiable',
  RATE_LIMITED: 'Too many requests',
};

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.httpStatus >= 500) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    } else if (!(err instanceof AppError)) {
      // A client error found by a library: worth a line, not a stack at error level.
      logger.info(
        {
          code: appError.code,
          status: appError.httpStatus,
          reason: (err as Error).message,
          method: req.method,
          url: req.originalUrl,
        },
        'request refused',
      );
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
