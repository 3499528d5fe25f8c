import type { Party } from '@telephony/model/call-event';

/**
 * The caller of a withheld call, the same from every adapter. The number and the name are dropped at the source
 * (even when the PBX or the trunk knows them, e.g. from a P-Asserted-Identity), so no event, record, card, lead,
 * log line or export downstream can carry them.
 */
export function withheldParty(): Party {
  return { raw: 'anonymous', e164: null, extension: null, name: null, anonymous: true };
}
