import { ApiError } from '@client/api/http';

/** The import-specific reason the server puts in `error.details.reason`, if any. */
export function importReason(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'PAYLOAD_TOO_LARGE' && error.details === undefined) return 'IMPORT_FILE_TOO_LARGE';
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && reason.startsWith('IMPORT_') ? reason : null;
}

/** The sheet line a refusal points at (`IMPORT_TOO_MANY_COLUMNS`), if any. */
export function importLine(error: unknown): number | undefined {
  const line = error instanceof ApiError ? (error.details as { line?: unknown } | undefined)?.line : undefined;
  return typeof line === 'number' ? line : undefined;
}
