export type TelephonyErrorCode =
  | 'PBX_UNREACHABLE'
  | 'PBX_AUTH_FAILED'
  | 'ACTION_TIMEOUT'
  | 'ACTION_FAILED'
  | 'MALFORMED_FRAME'
  | 'UNKNOWN_CALL'
  /** The provider cannot do this at all (e.g. whisper/barge on the SIP front, which has no mixer). */
  | 'NOT_SUPPORTED';

/** Fatal errors stop the provider (bad credentials); non-fatal ones are retried or logged. */
export class TelephonyError extends Error {
  constructor(
    readonly code: TelephonyErrorCode,
    message: string,
    readonly fatal = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TelephonyError';
  }
}
