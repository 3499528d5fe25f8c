/** Every `error.code` the REST API (and Socket.IO acks) can return; the client maps these to its own text. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'CSRF_HEADER_MISSING',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
  'USER_NOT_FOUND',
  'LOGIN_TAKEN',
  'EXTENSION_TAKEN',
  'CONTACT_NOT_FOUND',
  'COMPANY_NOT_FOUND',
  'LEAD_NOT_FOUND',
  'LEAD_ALREADY_OPEN',
  'DEAL_NOT_FOUND',
  'TASK_NOT_FOUND',
  'NOTE_NOT_FOUND',
  'LINKED_ENTITY_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'CALL_NOT_LIVE',
  'MONITOR_NEEDS_EXTENSION',
  'MONITOR_UNAVAILABLE',
  'MONITOR_FAILED',
  'CALL_NOT_FOUND',
  'RECORDING_NOT_FOUND',
  'NO_EXTENSION',
  'TELEPHONY_DISABLED',
  'TELEPHONY_UNAVAILABLE',
  'ORIGINATE_FAILED',
  'HOST_NOT_ALLOWED',
  'MALFORMED_URL',
  'RANGE_NOT_SATISFIABLE',
  'BAD_REQUEST',
  'LAST_ACTIVE_ADMIN',
  'NOT_SUPPORTED_ON_SIP',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Header every state-changing request must carry (CSRF defence for the cookie session). */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_HEADER_VALUE = 'zvonok';
