import { type CallerLink } from '@server/common/calls/call-change';
import { type CallProjection } from '@server/common/calls/call-projection';

/**
 * `data` of the call events (payload version 1): the call as the REST API's call record shows it, with the
 * contact or lead it was linked to. Only what a receiving system can use; PBX internals (linkedid, files) stay.
 */
export function callEventData(call: CallProjection, link: CallerLink): Record<string, unknown> {
  return {
    callId: call.id,
    direction: call.direction,
    from: { raw: call.fromRaw, e164: call.fromE164, anonymous: call.anonymous },
    to: { raw: call.toRaw, e164: call.toE164 },
    queue: call.queue,
    agentExtension: call.agentExtension,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    waitSeconds: call.waitSeconds,
    talkSeconds: call.talkSeconds,
    holdSeconds: call.holdSeconds,
    disposition: call.disposition,
    hangupCause: call.hangupCause,
    contactId: link.kind === 'contact' ? link.contactId : null,
    leadId: link.kind === 'lead' ? link.leadId : null,
  };
}

/** An inbound call nobody answered: the queue or the phone gave up, or the caller did. */
export const isMissed = (call: CallProjection) =>
  call.direction === 'inbound' && (call.disposition === 'missed' || call.disposition === 'abandoned');
