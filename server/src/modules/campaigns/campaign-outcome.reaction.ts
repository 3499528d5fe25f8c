import { type CallReaction } from '@server/common/calls/call-change';
import { type Logger } from '@server/common/logger/logger';

import { type CampaignDialer } from './campaign-dialer';
import { outcomeOf } from './dial-rules';

/**
 * The end of an outbound call to a number a campaign is dialling ends that attempt (busy, no answer, answered…) and
 * moves its record by the retry rules. Idempotent: an attempt ends once (`ended_at IS NULL` guards the update).
 */
export function createCampaignOutcomeReaction(dialer: Pick<CampaignDialer, 'callEnded'>, logger: Logger): CallReaction {
  return async ({ event, after }) => {
    if (event.type !== 'call.ended' || after.direction !== 'outbound' || !after.toE164) return;
    const outcome = outcomeOf({
      answered: event.answered || after.answeredAt !== null,
      cause: event.cause,
      blocked: event.blocked,
    });
    await dialer.callEnded(after.toE164, after.id, outcome);
    logger.debug({ callId: after.id, outcome }, 'campaign call ended');
  };
}
