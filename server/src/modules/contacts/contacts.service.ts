import { type DataSource } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type ContactDto,
  type CreateContactRequest,
  type UpdateContactRequest,
  contactListQuerySchema,
  createContactRequestSchema,
  updateContactRequestSchema,
} from '@contracts/dto/contact';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { seesAll } from '@server/common/access/visibility';
import { PG_FOREIGN_KEY_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { type ContactPhoneRow, type ContactRow } from '@server/modules/contacts/contact.entity';
import { contactsError } from '@server/modules/contacts/contacts.errors';
import { ContactsRepository, type PhoneInsert } from '@server/modules/contacts/contacts.repository';

type ListQuery = (typeof contactListQuerySchema)['_zod']['input'];

export class ContactsService {
  private readonly repo: ContactsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly defaultCountry: string,
    private readonly audit?: AuditService,
  ) {
    this.repo = new ContactsRepository(dataSource);
  }

  async list(viewer: UserDto, query: ListQuery): Promise<Page<ContactDto>> {
    const q = contactListQuerySchema.parse(query);
    const keys = q.q ? phoneKeys(q.q, this.defaultCountry) : { e164: null, last10: null };
    const [rows, total] = await this.repo.search(viewer, {
      text: q.q || undefined,
      e164: keys.e164,
      last10: keys.last10,
      ownerId: q.ownerId,
      companyId: q.companyId,
      tag: q.tag,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: await this.toDtos(rows), total, limit: q.limit, offset: q.offset };
  }

  async get(viewer: UserDto, id: string): Promise<ContactDto> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw contactsError('CONTACT_NOT_FOUND');
    return (await this.toDtos([row]))[0]!;
  }

  /** Contacts owning a caller's number (any format); not scoped — the call pipeline decides who sees the card. */
  async findByPhone(raw: string): Promise<ContactDto[]> {
    const keys = phoneKeys(raw, this.defaultCountry);
    return this.toDtos(await this.repo.findByPhone(keys.e164, keys.last10));
  }

  async create(viewer: UserDto, input: CreateContactRequest): Promise<ContactDto> {
    const req = createContactRequestSchema.parse(input);
    // Operators create contacts for themselves only; others may assign any owner.
    const ownerId = seesAll(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id;
    await this.assertCompanyVisible(viewer, req.companyId);
    const row = await this.withFkErrors(() =>
      this.repo.insert(
        {
          name: req.name,
          email: req.email,
          companyId: req.companyId,
          ownerId,
          doNotCall: req.doNotCall,
          tags: req.tags,
        },
        this.phoneRows(req.phones),
      ),
    );
    return this.get(viewer, row.id);
  }

  async update(viewer: UserDto, id: string, input: UpdateContactRequest): Promise<ContactDto> {
    const req = updateContactRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    await this.assertCompanyVisible(viewer, req.companyId, current.companyId);
    const { phones, ownerId, ...rest } = req;
    const patch: Partial<ContactRow> = { ...rest };
    if (ownerId !== undefined && seesAll(viewer)) patch.ownerId = ownerId;
    await this.withFkErrors(() => this.repo.update(id, patch, phones ? this.phoneRows(phones) : undefined));
    return this.get(viewer, id);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit?.record({
      actorId: viewer.id,
      action: 'contact.delete',
      entity: 'contact',
      entityId: id,
      details: { before },
    });
  }

  private async assertCompanyVisible(viewer: UserDto, companyId?: string | null, current?: string | null) {
    const hidden = await firstHiddenReference(this.dataSource, viewer, {
      companyId: reference('company', companyId, current),
    });
    if (hidden) throw contactsError('COMPANY_NOT_FOUND', hidden);
  }

  private phoneRows(phones: { raw: string; label: string | null }[]): PhoneInsert[] {
    return phones.map((p, position) => ({
      raw: p.raw,
      label: p.label,
      position,
      ...phoneKeys(p.raw, this.defaultCountry),
    }));
  }

  private async toDtos(rows: ContactRow[]): Promise<ContactDto[]> {
    const phones = await this.repo.phonesOf(rows.map((r) => r.id));
    return rows.map((r) => toContactDto(r, phones.get(r.id) ?? []));
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

export function toContactDto(r: ContactRow, phones: ContactPhoneRow[]): ContactDto {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    companyId: r.companyId,
    ownerId: r.ownerId,
    doNotCall: r.doNotCall,
    tags: r.tags,
    phones: phones.map((p) => ({ raw: p.raw, e164: p.e164, label: p.label })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
