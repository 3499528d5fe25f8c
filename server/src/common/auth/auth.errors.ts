import { AppError } from '@server/common/errors/app-error';

export type AuthErrorCode =
  'UNAUTHENTICATED' | 'INVALID_CREDENTIALS' | 'FORBIDDEN' | 'CSRF_HEADER_MISSING' | 'RATE_LIMITED';

function message(code: AuthErrorCode): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'Sign in first';
    case 'INVALID_CREDENTIALS':
      return 'Wrong login or password';
    case 'FORBIDDEN':
      return 'Your role does not allow this';
    case 'CSRF_HEADER_MISSING':
      return 'State-changing requests must carry the X-Requested-With: zvonok header';
    case 'RATE_LIMITED':
      return 'Too many attempts, try again later';
  }
}

const STATUS: Record<AuthErrorCode, number> = {
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_HEADER_MISSING: 403,
  RATE_LIMITED: 429,
};

export const authError = (code: AuthErrorCode) => new AppError(code, STATUS[code], message(code));
