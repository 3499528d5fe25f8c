import { type RequestHandler } from 'express';

import { AppError } from '@server/common/errors/app-error';

const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  for (const [key, v] of Object.entries(value)) if (key.includes('\u0000') || hasNul(v, depth + 1)) return true;
  return false;
};

/**
 * PostgreSQL text cannot hold U+0000: a NUL in a search or a field would reach the driver and fail as a 500.
 * Rejected up front as a validation error, for query strings and JSON bodies alike.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  if (hasNul(req.query) || hasNul(req.body)) {
    throw new AppError('VALIDATION_FAILED', 400, 'Text must not contain NUL characters', {
      details: [{ field: '(request)', message: 'NUL character' }],
    });
  }
  next();
};
