import { type DoNotCallDetails } from '@contracts/dto/dial-policy';
import { AppError } from '@server/common/errors/app-error';

export type DialPolicyErrorCode =
  | 'DO_NOT_CALL'
  | 'DO_NOT_CALL_OVERRIDE_FORBIDDEN'
  | 'BLOCKED_NUMBER_NOT_FOUND'
  | 'BLOCKED_NUMBER_EXISTS'
  | 'VALIDATION_FAILED';

function message(code: DialPolicyErrorCode, details: unknown): string {
  switch (code) {
    case 'DO_NOT_CALL':
      return (details as DoNotCallDetails | undefined)?.reason === 'blocked'
        ? 'This number is on the blocked list; calls to it are refused'
        : 'The client asked not to be called (do-not-call)';
    case 'DO_NOT_CALL_OVERRIDE_FORBIDDEN':
      return 'Only supervisors and managers may call a do-not-call or blocked number';
    case 'BLOCKED_NUMBER_NOT_FOUND':
      return 'Blocked number not found';
    case 'BLOCKED_NUMBER_EXISTS':
      return 'This number is already on the blocked list';
    case 'VALIDATION_FAILED':
      return 'Invalid phone number';
  }
}

const STATUS: Record<DialPolicyErrorCode, number> = {
  DO_NOT_CALL: 409,
  DO_NOT_CALL_OVERRIDE_FORBIDDEN: 403,
  BLOCKED_NUMBER_NOT_FOUND: 404,
  BLOCKED_NUMBER_EXISTS: 409,
  VALIDATION_FAILED: 400,
};

export const dialPolicyError = (code: DialPolicyErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code, details), { details });
