import { AppError } from '@server/common/errors/app-error';

export type UsersErrorCode =
  | 'USER_NOT_FOUND'
  | 'LOGIN_TAKEN'
  | 'EXTENSION_TAKEN'
  | 'LAST_ACTIVE_ADMIN'
  | 'WEAK_PASSWORD'
  | 'CURRENT_PASSWORD_WRONG'
  | 'REASSIGN_TARGET_INVALID';

function message(code: UsersErrorCode): string {
  switch (code) {
    case 'USER_NOT_FOUND':
      return 'User not found';
    case 'LOGIN_TAKEN':
      return 'This login is already taken';
    case 'EXTENSION_TAKEN':
      return 'This extension is already assigned to another active user';
    case 'LAST_ACTIVE_ADMIN':
      return 'This is the last active admin: make another user an admin first';
    case 'WEAK_PASSWORD':
      return 'The password is too short, too common or contains the login';
    case 'CURRENT_PASSWORD_WRONG':
      return 'The current password is wrong';
    case 'REASSIGN_TARGET_INVALID':
      return 'Hand the work to another active user';
  }
}

const STATUS: Record<UsersErrorCode, number> = {
  USER_NOT_FOUND: 404,
  LOGIN_TAKEN: 409,
  EXTENSION_TAKEN: 409,
  LAST_ACTIVE_ADMIN: 409,
  WEAK_PASSWORD: 400,
  CURRENT_PASSWORD_WRONG: 400,
  REASSIGN_TARGET_INVALID: 400,
};

/** `field` names the body field at fault; `extra` adds to the details (the reason a password was refused). */
export const usersError = (code: UsersErrorCode, field?: string, extra?: Record<string, unknown>) =>
  new AppError(code, STATUS[code], message(code), {
    details: field ? { field, ...extra } : code === 'CURRENT_PASSWORD_WRONG' ? { field: 'currentPassword' } : undefined,
  });
