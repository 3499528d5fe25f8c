import { AppError } from '@server/common/errors/app-error';

export type ApiTokensErrorCode =
  'API_TOKEN_NOT_FOUND' | 'UNAUTHENTICATED' | 'INSUFFICIENT_SCOPE' | 'FORBIDDEN' | 'USER_NOT_FOUND';

function message(code: ApiTokensErrorCode): string {
  switch (code) {
    case 'API_TOKEN_NOT_FOUND':
      return 'API token not found';
    case 'UNAUTHENTICATED':
      return 'The API token is unknown, expired or revoked';
    case 'INSUFFICIENT_SCOPE':
      return 'The API token lacks the scope this route needs';
    case 'FORBIDDEN':
      return 'Your role does not allow this';
    case 'USER_NOT_FOUND':
      return 'The owner must be an active user';
  }
}

const STATUS: Record<ApiTokensErrorCode, number> = {
  API_TOKEN_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_SCOPE: 403,
  FORBIDDEN: 403,
  USER_NOT_FOUND: 400,
};

export const apiTokensError = (code: ApiTokensErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code), { details });
