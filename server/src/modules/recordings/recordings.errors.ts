import { AppError } from '@server/common/errors/app-error';

export type RecordingsErrorCode = 'RECORDING_NOT_FOUND' | 'FORBIDDEN' | 'RANGE_NOT_SATISFIABLE';

function message(code: RecordingsErrorCode): string {
  switch (code) {
    case 'RECORDING_NOT_FOUND':
      return 'Recording not found';
    case 'FORBIDDEN':
      return 'Only the call’s operators, supervisors and managers may listen to this recording';
    case 'RANGE_NOT_SATISFIABLE':
      return 'The requested range lies outside the recording (see Content-Range for its size)';
  }
}

const STATUS: Record<RecordingsErrorCode, number> = {
  RECORDING_NOT_FOUND: 404,
  FORBIDDEN: 403,
  RANGE_NOT_SATISFIABLE: 416,
};

export const recordingsError = (code: RecordingsErrorCode) => new AppError(code, STATUS[code], message(code));
