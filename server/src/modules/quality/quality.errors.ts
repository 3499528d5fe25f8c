import { AppError } from '@server/common/errors/app-error';

export type QualityErrorCode = 'CALL_NOT_FOUND' | 'RECORDING_NOT_FOUND';

function message(code: QualityErrorCode): string {
  switch (code) {
    case 'CALL_NOT_FOUND':
      return 'No such call';
    case 'RECORDING_NOT_FOUND':
      return 'The call has no recording to review';
  }
}

// A review scores what was heard, so a call without a recording is a conflict with the call's state, not a 404.
const STATUS: Record<QualityErrorCode, number> = { CALL_NOT_FOUND: 404, RECORDING_NOT_FOUND: 409 };

export const qualityError = (code: QualityErrorCode) => new AppError(code, STATUS[code], message(code));
