import { type ErrorCode } from '@contracts/error-codes';

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** False for bugs and broken invariants: those are logged at error level. */
  isOperational?: boolean;
}

/** The one error type the HTTP layer renders; anything else becomes 500 INTERNAL. */
export class AppError extends Error {
  readonly details: unknown;
  readonly isOperational: boolean;

  constructor(
    readonly code: ErrorCode,
    readonly httpStatus: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details;
    this.isOperational = options.isOperational ?? true;
  }
}

export const conflict = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(code, 409, message, { details });

/** Postgres SQLSTATE of a failed query, when the error came from the driver. */
export function pgErrorCode(err: unknown): string | undefined {
  const driverError = (err as { driverError?: { code?: unknown } } | null)?.driverError;
  const code = driverError?.code ?? (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(err: unknown): string | undefined {
  const driverError = (err as { driverError?: { constraint?: unknown } } | null)?.driverError;
  return typeof driverError?.constraint === 'string' ? driverError.constraint : undefined;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
