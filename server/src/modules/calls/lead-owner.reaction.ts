import { type Logger } from 'pino';

import { type CallReaction } from '@server/common/calls/call-change';
import { type LeadsService } from '@server/modules/leads/leads.service';
import { type UsersService } from '@server/modules/users/users.service';

import { type CallCardReadModel } from './call-card.read-model';

export interface LeadOwnerDeps {
  leads: Pick<LeadsService, 'giveOwnerIfNone'>;
  users: Pick<UsersService, 'findActiveByLogin'>;
  cards: Pick<CallCardReadModel, 'userByExtension'>;
  logger: Logger;
  /** Login of the user who gets the leads of calls nobody answered (QUEUE_DEFAULT_OWNER); unset → no owner. */
  queueDefaultOwner?: string;
  /** Told when the queue's default owner got the lead (the operator who answered needs no telling). */
  onDefaultOwner?: (leadId: string) => Promise<void>;
}

/**
 * The owner of a lead a call created: the operator who answers it, or the queue's default owner when it ends
 * unanswered; only for the call that created the lead, and never over an owner someone already set (the lead's
 * own UPDATE … WHERE owner_id IS NULL decides, so a redelivered answer changes nothing).
 */
export function createLeadOwnerReaction(deps: LeadOwnerDeps): CallReaction {
  return async ({ event, after, link }) => {
    if (link.kind !== 'lead' || !link.createdByThisCall) return;
    let ownerId: string | null = null;
    if (event.type === 'call.answered' && event.agentId) {
      ownerId = (await deps.cards.userByExtension(event.agentId))?.id ?? null;
    } else if (event.type === 'call.ended' && !event.answered && after.answeredAt === null && deps.queueDefaultOwner) {
      ownerId = (await deps.users.findActiveByLogin(deps.queueDefaultOwner))?.id ?? null;
    }
    if (ownerId && (await deps.leads.giveOwnerIfNone(link.leadId, ownerId))) {
      deps.logger.info({ callId: after.id, leadId: link.leadId, ownerId }, 'auto-lead owner set');
      if (event.type === 'call.ended') await deps.onDefaultOwner?.(link.leadId);
    }
  };
}
