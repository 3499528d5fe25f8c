import { type EndReason } from '@client/modules/softphone/states/softphoneState';

/** JsSIP's `causes` strings we act on (kept here so the mapping is testable without loading JsSIP). */
export const SIP_CAUSES = {
  connectionError: 'Connection Error',
  requestTimeout: 'Request Timeout',
  busy: 'Busy',
  rejected: 'Rejected',
  unavailable: 'Unavailable',
  canceled: 'Canceled',
  noAnswer: 'No Answer',
  bye: 'Terminated',
  userDeniedMedia: 'User Denied Media Access',
  authenticationError: 'Authentication Error',
} as const;

export type Originator = 'local' | 'remote' | 'system';

/**
 * Why a call ended, from JsSIP's `ended`/`failed` event. `answered` says whether the call had been established:
 * a CANCEL before answer is "unanswered" (the caller gave up or a colleague picked up), after it never happens.
 */
export function endReasonOf(originator: Originator, cause: string, answered: boolean): EndReason | 'microphone-denied' {
  if (cause === SIP_CAUSES.userDeniedMedia) return 'microphone-denied';
  if (cause === SIP_CAUSES.connectionError) return 'connection-lost';
  if (answered) {
    if (cause === SIP_CAUSES.bye || cause === SIP_CAUSES.canceled) return originator === 'local' ? 'local' : 'remote';
    return originator === 'remote' ? 'remote' : 'failed';
  }
  switch (cause) {
    case SIP_CAUSES.busy:
      return 'busy';
    case SIP_CAUSES.rejected:
      return originator === 'local' ? 'rejected' : 'busy';
    case SIP_CAUSES.canceled:
      return originator === 'local' ? 'local' : 'unanswered';
    case SIP_CAUSES.noAnswer:
    case SIP_CAUSES.unavailable:
    case SIP_CAUSES.requestTimeout:
      return 'unanswered';
    case SIP_CAUSES.bye:
      return originator === 'local' ? 'local' : 'remote';
    default:
      return 'failed';
  }
}

/**
 * A dial target as a SIP URI on the PBX's domain: extensions and numbers as typed (spaces, dashes, brackets
 * dropped; a leading + kept), or a full sip: URI unchanged.
 */
export function targetUri(target: string, domain: string): string | null {
  const trimmed = target.trim();
  if (/^sips?:/i.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/[\s()\-.]/g, '');
  if (!/^\+?[\d*#]{2,20}$/.test(digits)) return null;
  return `sip:${digits}@${domain}`;
}

/** The host part of a SIP URI such as sip:1001-web@127.0.0.1. */
export function domainOf(sipUri: string): string {
  const at = sipUri.lastIndexOf('@');
  return at === -1 ? sipUri.replace(/^sips?:/i, '') : sipUri.slice(at + 1);
}
