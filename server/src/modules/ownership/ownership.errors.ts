import { AppError } from '@server/common/errors/app-error';

export type OwnershipErrorCode = 'USER_NOT_FOUND' | 'USER_INACTIVE' | 'FORBIDDEN';

function message(code: OwnershipErrorCode): string {
  switch (code) {
    case 'USER_NOT_FOUND':
      return 'The new owner does not exist';
    case 'USER_INACTIVE':
      return 'The new owner is deactivated and would never see the record';
    case 'FORBIDDEN':
      return 'Only supervisors, managers and admins reassign records';
  }
}

const STATUS: Record<OwnershipErrorCode, number> = { USER_NOT_FOUND: 400, USER_INACTIVE: 409, FORBIDDEN: 403 };

/** `field` names the body field that named the user. */
export const ownershipError = (code: OwnershipErrorCode, field: string) =>
  new AppError(code, STATUS[code], message(code), { details: { field } });
