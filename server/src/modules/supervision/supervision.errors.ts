import { AppError } from '@server/common/errors/app-error';

export type SupervisionErrorCode =
  | 'NOT_FOUND'
  | 'CALL_NOT_LIVE'
  | 'MONITOR_NEEDS_EXTENSION'
  | 'MONITOR_UNAVAILABLE'
  | 'MONITOR_FAILED'
  | 'NOT_SUPPORTED_ON_SIP';

function message(code: SupervisionErrorCode): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'No such call';
    case 'CALL_NOT_LIVE':
      return 'The call is not in progress any more';
    case 'MONITOR_NEEDS_EXTENSION':
      return 'Monitoring rings your own phone: your user needs an extension';
    case 'MONITOR_UNAVAILABLE':
      return 'Telephony is off or the PBX is not connected';
    case 'MONITOR_FAILED':
      return 'The PBX could not start monitoring';
    case 'NOT_SUPPORTED_ON_SIP':
      return 'Whisper and barge need a mixer, which the SIP front does not have (Asterisk does)';
  }
}

const STATUS: Record<SupervisionErrorCode, number> = {
  NOT_FOUND: 404,
  CALL_NOT_LIVE: 409,
  MONITOR_NEEDS_EXTENSION: 409,
  MONITOR_UNAVAILABLE: 503,
  MONITOR_FAILED: 502,
  NOT_SUPPORTED_ON_SIP: 501,
};

export const supervisionError = (code: SupervisionErrorCode, cause?: unknown) =>
  new AppError(code, STATUS[code], message(code), { cause });
