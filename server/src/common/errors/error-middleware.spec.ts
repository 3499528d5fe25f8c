import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';

import { AppError } from '@server/common/errors/app-error';
import { toAppError } from '@server/common/errors/error-middleware';

const pgError = (code: string) => new QueryFailedError('INSERT', [], Object.assign(new Error('pg'), { code }));

describe('toAppError', () => {
  it('passes AppError through', () => {
    const e = new AppError('CONFLICT', 409, 'x');
    expect(toAppError(e)).toBe(e);
  });

  it.each([
    [{ type: 'entity.parse.failed' }, 'MALFORMED_JSON', 400],
    [{ type: 'entity.too.large' }, 'PAYLOAD_TOO_LARGE', 413],
    [{ type: 'charset.unsupported' }, 'UNSUPPORTED_MEDIA_TYPE', 415],
    [pgError('23505'), 'CONFLICT', 409],
    [pgError('23503'), 'VALIDATION_FAILED', 400],
    [pgError('42P01'), 'INTERNAL', 500],
    [new TypeError('boom'), 'INTERNAL', 500],
    ['a string', 'INTERNAL', 500],
  ])('maps %o to %s', (err, code, status) => {
    expect(toAppError(err)).toMatchObject({ code, httpStatus: status });
  });

  it('never leaks the message of an unknown error', () => {
    const e = toAppError(new Error('password=hunter2 at db'));
    expect(e.message).toBe('Internal server error');
    expect(e.isOperational).toBe(false);
  });
});

describe('toAppError: 4xx statuses of library errors pass through', () => {
  const withStatus = (props: Record<string, unknown>) => Object.assign(new Error('lib'), props);

  it.each([
    [withStatus({ status: 416 }), 'RANGE_NOT_SATISFIABLE', 416],
    [withStatus({ statusCode: 404 }), 'NOT_FOUND', 404],
    [withStatus({ status: 405 }), 'BAD_REQUEST', 405],
    [Object.assign(new URIError('URI malformed'), { status: 400 }), 'MALFORMED_URL', 400],
    [withStatus({ status: 503 }), 'INTERNAL', 500],
    [withStatus({ status: '400' }), 'INTERNAL', 500],
  ])('maps %o to %s', (err, code, status) => {
    expect(toAppError(err)).toMatchObject({ code, httpStatus: status });
  });

  it('keeps the library’s message out of the response', () => {
    expect(toAppError(withStatus({ status: 416, message: 'at /srv/data/x.ogg' })).message).not.toContain('/srv');
  });
});
