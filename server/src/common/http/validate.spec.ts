import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { AppError } from '@server/common/errors/app-error';
import { parseInput } from '@server/common/http/validate';

const schema = z.strictObject({ name: z.string().min(1), nested: z.strictObject({ n: z.number() }).optional() });

function failure(input: unknown): AppError {
  try {
    parseInput(schema, input);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('parseInput', () => {
  it('returns parsed data', () => {
    expect(parseInput(schema, { name: 'x' })).toEqual({ name: 'x' });
  });

  it('names every bad and unknown field, with nested paths', () => {
    const err = failure({ name: '', extra: 1, nested: { n: 'no', deeper: true } });
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 400 });
    expect((err.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
      'extra',
      'name',
      'nested.deeper',
      'nested.n',
    ]);
  });

  it('reports a missing body as (body)', () => {
    expect(failure(undefined).details).toEqual([{ field: '(body)', message: expect.any(String) }]);
  });
});
