import { AppError } from '@server/common/errors/app-error';

/**
 * Import problems travel as the generic codes the client already knows, with `details.reason` naming the
 * import-specific cause (the client has a text for each reason).
 */
export type ImportsErrorReason =
  | 'IMPORT_NOT_FOUND'
  | 'IMPORT_UNSUPPORTED_FILE'
  | 'IMPORT_UNREADABLE'
  | 'IMPORT_EMPTY'
  | 'IMPORT_TOO_MANY_ROWS'
  | 'IMPORT_TOO_MANY_COLUMNS'
  | 'IMPORT_TOO_COMPLEX'
  | 'IMPORT_ALREADY_STARTED'
  | 'IMPORT_BAD_MAPPING';

function describe(reason: ImportsErrorReason): { code: AppError['code']; status: number; message: string } {
  switch (reason) {
    case 'IMPORT_NOT_FOUND':
      return { code: 'NOT_FOUND', status: 404, message: 'No such import (they expire after 30 minutes)' };
    case 'IMPORT_UNSUPPORTED_FILE':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, message: 'Only CSV and XLSX files can be imported' };
    case 'IMPORT_UNREADABLE':
      return { code: 'VALIDATION_FAILED', status: 400, message: 'The file could not be read' };
    case 'IMPORT_EMPTY':
      return { code: 'VALIDATION_FAILED', status: 400, message: 'The file has no data rows under a header' };
    case 'IMPORT_TOO_MANY_ROWS':
      return { code: 'PAYLOAD_TOO_LARGE', status: 413, message: 'Too many rows in one file' };
    case 'IMPORT_TOO_MANY_COLUMNS':
      return { code: 'VALIDATION_FAILED', status: 400, message: 'A row has a value beyond the last allowed column' };
    case 'IMPORT_TOO_COMPLEX':
      return {
        code: 'PAYLOAD_TOO_LARGE',
        status: 413,
        message: 'Reading the file needs more memory or time than an import may use',
      };
    case 'IMPORT_ALREADY_STARTED':
      return { code: 'CONFLICT', status: 409, message: 'This import has already been started' };
    case 'IMPORT_BAD_MAPPING':
      return { code: 'VALIDATION_FAILED', status: 400, message: 'A mapped column does not exist in the file' };
  }
}

/** `limits` adds what the client needs to explain the refusal (the cap, the line), beside `details.reason`. */
export function importsError(
  reason: ImportsErrorReason,
  options: { limits?: Record<string, number | string>; cause?: unknown } = {},
): AppError {
  const { code, status, message } = describe(reason);
  return new AppError(code, status, message, { details: { reason, ...options.limits }, cause: options.cause });
}
