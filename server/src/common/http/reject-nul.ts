import { type RequestHandler } from 'express';

import { AppError } from '@server/common/errors/app-error';

/** Dotted path of the first string (or key) holding U+0000, or null. */
const nulPath = (value: unknown, path: string, depth = 0): string | null => {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = nulPath(v, at, depth + 1);
    if (found) return found;
  }
  return null;
};

/**
 * PostgreSQL text cannot hold U+0000: a NUL in a search or a field would reach the driver and fail as a 500.
 * Rejected up front as a validation error naming the field, for query strings and JSON bodies alike.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const field = nulPath(req.query, '') ?? nulPath(req.body, '');
  if (field !== null) {
    throw new AppError('VALIDATION_FAILED', 400, 'Text must not contain NUL characters', {
      details: [{ field: field || '(body)', message: 'NUL character' }],
    });
  }
  next();
};
