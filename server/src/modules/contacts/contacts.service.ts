import { type DataSource, type EntityManager } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type ContactDto,
  type CreateContactRequest,
  type UpdateContactRequest,
  contactListQuerySchema,
  createContactRequestSchema,
  updateContactRequestSchema,
} from '@contracts/dto/contact';
import { type ContactDuplicatesDto, type ContactDuplicatesQuery } from '@contracts/dto/contact-merge';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { assignsOthers } from '@server/common/access/visibility';
import { PG_FOREIGN_KEY_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { searchTerms } from '@server/common/search/search-terms';
import { type ContactPhoneRow, type ContactRow } from '@server/modules/contacts/contact.entity';
import { contactsError } from '@server/modules/contacts/contacts.errors';
import { type CustomValues } from '@contracts/dto/custom-field';
import { customFilter, type CustomFieldsService, NO_CUSTOM } from '@server/modules/custom-fields/custom-fields.service';
import { ContactsRepository, type PhoneInsert } from '@server/modules/contacts/contacts.repository';
import { ownershipError, type Reassigner } from '@server/modules/ownership/ownership.service';
import { type DomainEventSink, NO_DOMAIN_EVENTS } from '@server/common/events/domain-events';

/** Which rows match a search term is the owner's rule; the global search read model joins them. */
export { contactMatch } from '@server/modules/contacts/contacts.repository';

type ListQuery = (typeof contactListQuerySchema)['_zod']['input'];

export class ContactsService {
  private readonly repo: ContactsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly defaultCountry: () => string,
    private readonly audit: AuditService,
    private readonly reassigner: Reassigner,
    private readonly fields?: CustomFieldsService,
    /** `contact.created` for webhooks. */
    private readonly events: DomainEventSink = NO_DOMAIN_EVENTS,
  ) {
    this.repo = new ContactsRepository(dataSource);
  }

  /** Purge of a removed custom field: its values leave every contact. */
  dropCustomKey(key: string): Promise<number> {
    return this.repo.dropCustomKey(key);
  }

  /** Part of a departing user's handover (users module): their open contacts go to `toUserId`; returns how many. */
  reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    return this.repo.reassignOpen(fromUserId, toUserId);
  }

  async list(viewer: UserDto, query: ListQuery): Promise<Page<ContactDto>> {
    const q = contactListQuerySchema.parse(query);
    const [rows, total] = await this.repo.search(viewer, {
      terms: q.q ? searchTerms(q.q, this.defaultCountry()) : undefined,
      ownerId: q.ownerId,
      companyId: q.companyId,
      tag: q.tag,
      custom: await customFilter(this.fields, 'contact', 'c', q),
      sort: q.sort,
      dir: q.dir,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: await this.toDtos(rows), total, limit: q.limit, offset: q.offset };
  }

  /** `em`: read inside the caller's transaction (sees what it wrote). */
  async get(viewer: UserDto, id: string, em?: EntityManager): Promise<ContactDto> {
    const repo = em ? new ContactsRepository(em) : this.repo;
    const row = await repo.findVisible(viewer, id);
    if (!row) throw contactsError('CONTACT_NOT_FOUND');
    return (await this.toDtos([row], repo))[0]!;
  }

  /** Contacts owning a caller's number (any format); not scoped — the call pipeline decides who sees the card. */
  async findByPhone(raw: string): Promise<ContactDto[]> {
    const keys = phoneKeys(raw, this.defaultCountry());
    return this.toDtos(await this.repo.findByPhone(keys.e164, keys.last10));
  }

  /** Other contacts with this number: those the viewer may open by name, the rest only counted. */
  async duplicates(viewer: UserDto, q: ContactDuplicatesQuery): Promise<ContactDuplicatesDto> {
    const others = (await this.findByPhone(q.phone)).filter((c) => c.id !== q.exceptId);
    const items: ContactDuplicatesDto['items'] = [];
    for (const c of others) if (await this.repo.findVisible(viewer, c.id)) items.push({ id: c.id, name: c.name });
    return { items, hidden: others.length - items.length };
  }

  /** `em`: inside the caller's transaction (a lead converted into a contact and a deal at once). */
  async create(viewer: UserDto, input: CreateContactRequest, em?: EntityManager): Promise<ContactDto> {
    const req = createContactRequestSchema.parse(input);
    // Operators create contacts for themselves only; others may assign any owner.
    const ownerId = assignsOthers(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id;
    await this.assertCompanyVisible(viewer, req.companyId, undefined, em);
    const custom = (await this.fields?.apply('contact', req.custom, {}, true)) ?? {};
    const repo = em ? new ContactsRepository(em) : this.repo;
    const row = await this.withFkErrors(() =>
      repo.insert(
        {
          name: req.name,
          email: req.email,
          companyId: req.companyId,
          ownerId,
          doNotCall: req.doNotCall,
          tags: req.tags,
          custom,
        },
        this.phoneRows(req.phones),
      ),
    );
    const contact = await this.get(viewer, row.id, em);
    await this.events.publish({
      type: 'contact.created',
      key: contact.id,
      occurredAt: row.createdAt,
      data: { contact },
    });
    return contact;
  }

  async update(viewer: UserDto, id: string, input: UpdateContactRequest): Promise<ContactDto> {
    const req = updateContactRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    await this.assertCompanyVisible(viewer, req.companyId, current.companyId);
    const { phones, ownerId, custom, ...rest } = req;
    const patch: Partial<ContactRow> = { ...rest };
    if (custom !== undefined && this.fields) {
      const stored = (await this.repo.findVisible(viewer, id))?.custom ?? {};
      patch.custom = await this.fields.apply('contact', custom, stored, false);
    }
    // An operator's ownerId is ignored (they stay the owner); anyone else's is a reassignment, audited.
    if (ownerId !== undefined && assignsOthers(viewer)) await this.changeOwner(viewer, current, ownerId, 'ownerId');
    await this.withFkErrors(() => this.repo.update(id, patch, phones ? this.phoneRows(phones) : undefined));
    return this.get(viewer, id);
  }

  /** `POST /api/contacts/:id/reassign`: supervisors, managers and admins give the client to another active user. */
  async reassign(viewer: UserDto, id: string, userId: string): Promise<ContactDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'userId');
    await this.changeOwner(viewer, await this.get(viewer, id), userId, 'userId');
    return this.get(viewer, id);
  }

  private changeOwner(viewer: UserDto, contact: ContactDto, ownerId: string | null, field: string): Promise<boolean> {
    return this.reassigner.reassign(
      viewer,
      {
        entityType: 'contact',
        entityId: contact.id,
        name: contact.name,
        fromUserId: contact.ownerId,
        toUserId: ownerId,
        field,
      },
      (m) => this.repo.setOwner(m, contact.id, ownerId),
    );
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit.record({
      actorId: viewer.id,
      action: 'contact.delete',
      entity: 'contact',
      entityId: id,
      details: { before },
    });
  }

  private async assertCompanyVisible(
    viewer: UserDto,
    companyId?: string | null,
    current?: string | null,
    em?: EntityManager,
  ) {
    const hidden = await firstHiddenReference(em ?? this.dataSource, viewer, {
      companyId: reference('company', companyId, current),
    });
    if (hidden) throw contactsError('COMPANY_NOT_FOUND', hidden);
  }

  private phoneRows(phones: { raw: string; label: string | null }[]): PhoneInsert[] {
    return phones.map((p, position) => ({
      raw: p.raw,
      label: p.label,
      position,
      ...phoneKeys(p.raw, this.defaultCountry()),
    }));
  }

  private async toDtos(rows: ContactRow[], repo = this.repo): Promise<ContactDto[]> {
    const phones = await repo.phonesOf(rows.map((r) => r.id));
    const show = (await this.fields?.visibility('contact')) ?? NO_CUSTOM;
    return rows.map((r) => toContactDto(r, phones.get(r.id) ?? [], show));
  }

  private async withFkErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) {
        const company = pgConstraint(err)?.includes('company');
        throw company ? contactsError('COMPANY_NOT_FOUND', 'companyId') : contactsError('USER_NOT_FOUND', 'ownerId');
      }
      throw err;
    }
  }
}

export function toContactDto(
  r: ContactRow,
  phones: ContactPhoneRow[],
  show: (stored: CustomValues) => CustomValues = NO_CUSTOM,
): ContactDto {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    companyId: r.companyId,
    ownerId: r.ownerId,
    doNotCall: r.doNotCall,
    tags: r.tags,
    phones: phones.map((p) => ({ raw: p.raw, e164: p.e164, label: p.label })),
    custom: show(r.custom ?? {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
