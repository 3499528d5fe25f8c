import { AppError } from '@server/common/errors/app-error';

export type CallsErrorCode =
  | 'CALL_NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'NO_EXTENSION'
  | 'TELEPHONY_DISABLED'
  | 'TELEPHONY_UNAVAILABLE'
  | 'ORIGINATE_FAILED'
  | 'CALL_HAS_NO_CARD'
  | 'CONTACT_NOT_A_MATCH';

function message(code: CallsErrorCode): string {
  switch (code) {
    case 'CALL_NOT_FOUND':
      return 'Call not found';
    case 'VALIDATION_FAILED':
      return 'Invalid input';
    case 'NO_EXTENSION':
      return 'Your account has no phone extension, so the PBX has no phone to ring';
    case 'TELEPHONY_DISABLED':
      return 'Telephony is not configured on this server (TELEPHONY_PROVIDER=none)';
    case 'TELEPHONY_UNAVAILABLE':
      return 'The PBX is not reachable right now; try again in a moment';
    case 'ORIGINATE_FAILED':
      return 'The PBX could not place the call (your phone did not answer, or the number was refused)';
    case 'CALL_HAS_NO_CARD':
      return "This call has no caller card (an internal call, or a number that is nobody's)";
    case 'CONTACT_NOT_A_MATCH':
      return "The contact is not one of those that have the caller's number";
  }
}

const STATUS: Record<CallsErrorCode, number> = {
  CALL_NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  NO_EXTENSION: 409,
  TELEPHONY_DISABLED: 503,
  TELEPHONY_UNAVAILABLE: 503,
  ORIGINATE_FAILED: 502,
  CALL_HAS_NO_CARD: 404,
  CONTACT_NOT_A_MATCH: 409,
};

export const callsError = (code: CallsErrorCode, details?: unknown, cause?: unknown) =>
  new AppError(code, STATUS[code], message(code), { details, cause });
