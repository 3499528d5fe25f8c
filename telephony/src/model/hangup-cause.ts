/**
 * Why a call ended, normalized across providers (Zammad's causes, jambonz-style kebab-case).
 * Q.850 codes and SIP statuses collapse into these; the raw value travels in `CallEnded.rawCause`.
 */
export const HANGUP_CAUSES = [
  'normal-clearing',
  'busy',
  'cancel',
  'no-answer',
  'congestion',
  'not-found',
  'forwarded',
  'failed',
] as const;
export type HangupCause = (typeof HANGUP_CAUSES)[number];

/** Maps a Q.850 cause code (AMI `Cause`, SIP `Reason: Q.850;cause=`) to a normalized cause. */
export function causeFromQ850(code: number): HangupCause {
  switch (code) {
    case 16:
    case 31:
      return 'normal-clearing';
    case 17:
      return 'busy';
    case 18:
    case 19:
    case 21:
      return 'no-answer';
    case 1:
    case 3:
    case 22:
    case 28:
      return 'not-found';
    case 34:
    case 38:
    case 41:
    case 42:
    case 44:
      return 'congestion';
    case 23:
      return 'forwarded';
    case 0:
    case 127:
      return 'failed';
    default:
      return code < 32 ? 'normal-clearing' : 'failed';
  }
}
