import { type z } from 'zod';

import { AppError } from '@server/common/errors/app-error';

export interface FieldIssue {
  field: string;
  message: string;
}

/** Parses an inbound payload (body, query, params) or throws 400 VALIDATION_FAILED naming the fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: FieldIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ field: [...issue.path, key].join('.'), message: 'Unknown field' });
      }
    } else {
      details.push({ field: issue.path.join('.') || '(body)', message: issue.message });
    }
  }
  return failValidation(details);
}

function failValidation(details: FieldIssue[]): never {
  throw new AppError('VALIDATION_FAILED', 400, `Invalid ${details.map((d) => d.field).join(', ')}`, { details });
}
