import { AppError } from '@server/common/errors/app-error';

export type UsersErrorCode = 'USER_NOT_FOUND' | 'LOGIN_TAKEN' | 'EXTENSION_TAKEN' | 'LAST_ACTIVE_ADMIN';

function message(code: UsersErrorCode): string {
  switch (code) {
    case 'USER_NOT_FOUND':
      return 'User not found';
    case 'LOGIN_TAKEN':
      return 'This login is already taken';
    case 'EXTENSION_TAKEN':
      return 'This extension is already assigned to another user';
    case 'LAST_ACTIVE_ADMIN':
      return 'This is the last active admin: make another user an admin first';
  }
}

export const usersError = (code: UsersErrorCode) =>
  new AppError(code, code === 'USER_NOT_FOUND' ? 404 : 409, message(code));
