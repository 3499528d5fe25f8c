import { type DataSource } from 'typeorm';

import { type ContactDto } from '@contracts/dto/contact';
import { type DealDto } from '@contracts/dto/deal';
import { type ConvertLeadRequest, type ConvertLeadResponse, convertLeadRequestSchema } from '@contracts/dto/lead';
import { type UserDto } from '@contracts/dto/user';
import { AppError } from '@server/common/errors/app-error';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type ContactsService } from '@server/modules/contacts/contacts.service';
import { type DealsService } from '@server/modules/deals/deals.service';

import { leadsError } from './leads.errors';
import { LeadsRepository } from './leads.repository';
import { type LeadsService } from './leads.service';

export interface LeadConversionDeps {
  dataSource: DataSource;
  leads: Pick<LeadsService, 'get'>;
  contacts: Pick<ContactsService, 'create' | 'get'>;
  deals: Pick<DealsService, 'create'>;
  audit: AuditService;
}

/**
 * A lead becomes a client in one step: the contact (an existing one, or a new one with the lead's number and owner)
 * and, if asked, the first deal with it, and the lead marked converted and linked to both (`contact_id`, `deal_id`;
 * the database stamps `converted_at`). One transaction: a refused deal leaves no contact behind and the lead open.
 * The lead's row is locked first, so two people converting it at once make one contact; the second gets 409.
 */
export class LeadConversion {
  constructor(private readonly deps: LeadConversionDeps) {}

  async convert(viewer: UserDto, id: string, input: ConvertLeadRequest): Promise<ConvertLeadResponse> {
    const req = convertLeadRequestSchema.parse(input);
    const lead = await this.deps.leads.get(viewer, id);
    const { contact, deal } = await this.deps.dataSource.transaction(async (em) => {
      const [locked] = (await em.query(`SELECT status FROM leads WHERE id = $1 FOR UPDATE`, [id])) as {
        status: string;
      }[];
      if (!locked) throw leadsError('LEAD_NOT_FOUND');
      if (locked.status === 'converted') throw leadsError('LEAD_ALREADY_CONVERTED');
      const number = lead.phoneE164 ?? lead.phoneRaw;
      const contact: ContactDto = req.contactId
        ? await this.deps.contacts.get(viewer, req.contactId, em).catch((err: unknown) => {
            throw isNotFound(err) ? leadsError('LINKED_ENTITY_NOT_FOUND', { field: 'contactId' }) : err;
          })
        : await this.deps.contacts.create(
            viewer,
            {
              ...req.contact!,
              phones: number ? [{ raw: number, label: null }] : [],
              ...(lead.ownerId ? { ownerId: lead.ownerId } : {}),
            },
            em,
          );
      const deal: DealDto | null = req.deal
        ? await this.deps.deals.create(
            viewer,
            { ...req.deal, contactId: contact.id, companyId: contact.companyId, ownerId: contact.ownerId },
            em,
          )
        : null;
      await new LeadsRepository(em).update(id, {
        status: 'converted',
        contactId: contact.id,
        dealId: deal?.id ?? null,
        name: lead.name ?? contact.name,
      });
      return { contact, deal };
    });
    await this.deps.audit.record({
      actorId: viewer.id,
      action: 'lead.convert',
      entity: 'lead',
      entityId: id,
      details: { contactId: contact.id, contactCreated: !req.contactId, dealId: deal?.id ?? null },
    });
    return { lead: await this.deps.leads.get(viewer, id), contact, deal };
  }
}

const isNotFound = (err: unknown) => err instanceof AppError && err.httpStatus === 404;
