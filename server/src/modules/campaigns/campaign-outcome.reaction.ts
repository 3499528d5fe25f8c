import { type CallReaction } from '@server/common/calls/call-change';
import { type Logger } from '@server/common/logger/logger';

import { type CampaignDialer } from './campaign-dialer';
import { outcomeOf } from './dial-rules';

/**
 * The end of an outbound call to a number a campaign is dialling ends that attempt (busy, no answer, answered…) and
 * moves its record by the retry rules. Idempotent: an attempt ends once (`ended_at IS NULL` guards the update). The
 * operator answering a customer-first call makes the attempt theirs.
 */
export function createCampaignOutcomeReaction(
  dialer: Pick<CampaignDialer, 'callEnded' | 'operatorAnswered'>,
  logger: Logger,
): CallReaction {
  return async ({ event, after }) => {
    if (after.direction !== 'outbound' || !after.toE164) return;
    // The queue's operator joins the answered customer: Asterisk says so with the bridge.
    if ((event.type === 'call.answered' || event.type === 'call.bridged') && event.agentId) {
      await dialer.operatorAnswered(after.toE164, event.agentId);
      return;
    }
    if (event.type !== 'call.ended') return;
    const outcome = outcomeOf({
      answered: event.answered || after.answeredAt !== null,
      cause: event.cause,
      blocked: event.blocked,
    });
    await dialer.callEnded(after.toE164, after.id, outcome, event.agentId ?? null);
    logger.debug({ callId: after.id, outcome }, 'campaign call ended');
  };
}
