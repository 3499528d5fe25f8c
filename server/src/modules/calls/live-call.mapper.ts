import { type LiveCallDto, type LiveCallStatus } from '@contracts/socket-events';
import { type CallStatus } from '@telephony';

import { type CallProjection } from '@server/common/calls/call-projection';

const LIVE_STATUS: Record<CallStatus, LiveCallStatus> = {
  created: 'ringing',
  ringing: 'ringing',
  answered: 'answered',
  held: 'held',
  ended: 'ended',
};

/** An internal party has no E.164 form and a short numeric id: that is an extension. */
const extensionParty = (raw: string, e164: string | null) => (e164 === null && /^\d{2,6}$/.test(raw) ? raw : null);

/** What of a call's record its live view shows: the projection's fields, also kept on the call's row. */
export type LiveCallSource = Pick<
  CallProjection,
  | 'id'
  | 'direction'
  | 'fromRaw'
  | 'fromE164'
  | 'anonymous'
  | 'toRaw'
  | 'toE164'
  | 'queue'
  | 'status'
  | 'ringingAgents'
  | 'agentExtension'
  | 'startedAt'
  | 'answeredAt'
>;

/** The live view of a call; the same function serves socket events and the REST resync, so they never disagree. */
export function toLiveCall(call: LiveCallSource): LiveCallDto {
  return {
    id: call.id,
    direction: call.direction,
    from: {
      raw: call.fromRaw,
      e164: call.fromE164,
      extension: extensionParty(call.fromRaw, call.fromE164),
      anonymous: call.anonymous,
    },
    to: { raw: call.toRaw, e164: call.toE164, extension: extensionParty(call.toRaw, call.toE164), anonymous: false },
    queue: call.queue,
    status: LIVE_STATUS[call.status],
    // A desk phone and its softphone twin ring together: the adapters report both as the operator's extension.
    ringing: [...new Set(call.ringingAgents)].sort(),
    agentExtension: call.agentExtension,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
  };
}
