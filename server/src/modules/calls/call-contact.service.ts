import { type DataSource } from 'typeorm';

import { type ChooseCallContactRequest, chooseCallContactRequestSchema } from '@contracts/dto/call';
import { type CallCard } from '@contracts/dto/call-card';
import { type UserDto } from '@contracts/dto/user';
import { scopeIds, seesAll } from '@server/common/access/visibility';
import { type CallerLink } from '@server/common/calls/call-change';
import { type AuditService } from '@server/modules/audit/audit.service';

import { type CallCardReadModel, type CardCall } from './call-card.read-model';
import { callsError } from './calls.errors';
import { CallsRepository, type CardCallRow } from './calls.repository';

/**
 * The caller card of a stored call, and the operator's pick of the caller when several contacts share the number.
 * The pick is the call's own (`calls.contact_id`, marked chosen so the pipeline keeps it): the card, a reload, the
 * wrap-up, the call log and the contact's timeline all follow it; the next call from the number is matched afresh.
 */
export class CallContactService {
  private readonly repo: CallsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cards: Pick<CallCardReadModel, 'card'>,
    private readonly audit: AuditService,
  ) {
    this.repo = new CallsRepository(dataSource);
  }

  /** The card as the viewer's screen shows it now; 404 for a call that did not reach an operator. */
  async card(viewer: UserDto, callId: string): Promise<CallCard> {
    return this.cardOf(viewer, await this.reached(viewer, callId));
  }

  /** 409 CONTACT_NOT_A_MATCH unless the contact is one of those the card lists. Audited (`call.contact.choose`). */
  async choose(viewer: UserDto, callId: string, input: ChooseCallContactRequest): Promise<CallCard> {
    const { contactId } = chooseCallContactRequestSchema.parse(input);
    const row = await this.reached(viewer, callId);
    const before = await this.cardOf(viewer, row);
    if (before.kind !== 'contact' || !before.matches?.contacts.some((c) => c.id === contactId)) {
      throw callsError('CONTACT_NOT_A_MATCH', { contactId });
    }
    if (before.contact.id !== contactId || !before.matches.chosen) {
      await this.dataSource.transaction(async (em) => {
        await this.repo.chooseContact(em, callId, contactId, viewer.id, before.contact.id);
        await this.audit.record(
          {
            actorId: viewer.id,
            action: 'call.contact.choose',
            entity: 'call',
            entityId: callId,
            details: { from: before.contact.id, to: contactId, matches: before.matches!.total },
          },
          em,
        );
      });
    }
    return this.cardOf(viewer, { ...row, contact_id: contactId });
  }

  /** The contact an operator picked for the call, or null while the pipeline's automatic match stands. */
  chosenContact(callId: string): Promise<string | null> {
    return this.repo.chosenContact(callId);
  }

  private async reached(viewer: UserDto, callId: string): Promise<CardCallRow> {
    const row = await this.repo.findCardCall(callId, scopeIds(viewer));
    if (!row || (!seesAll(viewer) && !row.reached)) throw callsError('CALL_NOT_FOUND');
    return row;
  }

  private async cardOf(viewer: UserDto, row: CardCallRow): Promise<CallCard> {
    const call: CardCall = {
      id: row.id,
      direction: row.direction,
      queue: row.queue,
      startedAt: row.started_at.toISOString(),
      fromRaw: row.from_raw,
      fromE164: row.from_e164,
      toRaw: row.to_raw,
      toE164: row.to_e164,
    };
    const card = await this.cards.card(call, linkOf(row), viewer);
    if (!card) throw callsError('CALL_HAS_NO_CARD');
    return card;
  }
}

/** The link the pipeline stored (as CallStore.load reads it back). */
function linkOf(row: CardCallRow): CallerLink {
  if (row.contact_id) return { kind: 'contact', contactId: row.contact_id };
  if (row.lead_id) return { kind: 'lead', leadId: row.lead_id, createdByThisCall: row.lead_created };
  return { kind: row.anonymous && row.direction === 'inbound' ? 'withheld' : 'none' };
}
