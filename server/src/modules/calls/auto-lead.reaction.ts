import { type DataSource } from 'typeorm';
import { type Logger } from 'pino';

import { type CallEvent } from '@telephony';

import { type CallReaction } from './call-pipeline';
import { type CallerLinkService } from './caller-link.service';
import { extensionOf } from './live-call.mapper';

export interface AutoLeadDeps {
  dataSource: DataSource;
  links: CallerLinkService;
  logger: Logger;
  /** Login of the user who gets the leads of calls nobody answered (QUEUE_DEFAULT_OWNER); unset → no owner. */
  queueDefaultOwner?: string;
}

/**
 * Unknown inbound number → one open lead (source "call"), linked to the call as soon as the call is known, even if
 * no phone ever rings (IVR hang-ups). The owner is settled later, only for the lead this very call created, and
 * never over an owner someone already set: the answering operator, or the queue's default owner when the call
 * ends unanswered. Withheld numbers and internal calls never get a lead (CallerLinkService decides, and logs).
 */
export function createAutoLeadReaction(deps: AutoLeadDeps): CallReaction {
  const { dataSource, links, logger } = deps;

  const giveOwner = async (callId: string, ownerSql: string, param: string) => {
    const rows = (await dataSource.query(
      `UPDATE leads l SET owner_id = o.id, updated_at = now()
       FROM calls c, (${ownerSql}) o
       WHERE c.id = $1 AND c.lead_created AND l.id = c.lead_id AND l.owner_id IS NULL
       RETURNING l.id, o.id AS owner_id`,
      [callId, param],
    )) as [{ id: string; owner_id: string }[], number] | { id: string; owner_id: string }[];
    const updated = Array.isArray(rows[0]) ? rows[0] : rows;
    if (updated.length) logger.info({ callId, lead: updated[0] }, 'auto-lead owner set');
  };

  const relevant = new Set<CallEvent['type']>(['call.created', 'call.ringing', 'call.answered', 'call.ended']);

  return async (event, call) => {
    if (call.direction !== 'inbound' || !relevant.has(event.type)) return;
    if (call.anonymous) {
      if (event.type === 'call.created') logger.info({ callId: call.id }, 'withheld caller: no lead');
      return;
    }
    const link = await links.resolve(call);
    if (link.kind !== 'lead' || !link.createdByThisCall) return;
    if (event.type === 'call.answered' && event.agentId) {
      await giveOwner(
        call.id,
        'SELECT id FROM users WHERE extension = $2 AND active ORDER BY created_at LIMIT 1',
        extensionOf(event.agentId),
      );
    } else if (event.type === 'call.ended' && !event.answered && call.answeredAt === null && deps.queueDefaultOwner) {
      await giveOwner(call.id, 'SELECT id FROM users WHERE login = $2 AND active', deps.queueDefaultOwner);
    }
  };
}
