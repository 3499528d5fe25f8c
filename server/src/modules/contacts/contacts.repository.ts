import { type DataSource, type EntityManager, In, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type CONTACT_SORTS } from '@contracts/dto/contact';
import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { contactVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { foldedLike, type Match, type SearchTerms } from '@server/common/search/search-terms';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import {
  ContactEntity,
  ContactPhoneEntity,
  type ContactPhoneRow,
  type ContactRow,
} from '@server/modules/contacts/contact.entity';

export interface ContactSearch {
  terms?: SearchTerms;
  ownerId?: string;
  companyId?: string;
  tag?: string;
  custom?: CustomFilter;
  sort?: (typeof CONTACT_SORTS)[number];
  dir?: SortDirection;
  limit: number;
  offset: number;
}

const SORTS: Record<(typeof CONTACT_SORTS)[number], SortColumn> = {
  name: { sql: 'c.name' },
  company: { sql: '(SELECT sco.name FROM companies sco WHERE sco.id = c.company_id)' },
  createdAt: { sql: 'c.created_at', dir: 'DESC' },
};

export type PhoneInsert = Omit<ContactPhoneRow, 'id' | 'contactId'>;

/**
 * `c.id IN (…)` matching a search box's terms against a contact (alias `c`): its name or e-mail (`search_text`),
 * any part of one of its numbers (`contact_phones.digits`), or a whole number's exact keys. A union of id sets, so
 * each part is read through its own index. Null when the terms can match nothing (a one-character query).
 * Parameters are prefixed with `p` so callers can combine fragments.
 */
export function contactMatch(terms: SearchTerms, p = 'cm'): Match | null {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (terms.text) {
    parts.push(`SELECT sc.id FROM contacts sc WHERE ${foldedLike('sc.search_text', `${p}_text`)}`);
    params[`${p}_text`] = terms.text;
  }
  const phone: string[] = [];
  terms.digits?.forEach((pattern, i) => {
    phone.push(`cp.digits LIKE :${p}_d${i}`);
    params[`${p}_d${i}`] = pattern;
  });
  if (terms.e164) {
    phone.push(`cp.e164 = :${p}_e164`);
    params[`${p}_e164`] = terms.e164;
  }
  if (terms.last10) {
    phone.push(`cp.last10 = :${p}_last10`);
    params[`${p}_last10`] = terms.last10;
  }
  if (phone.length) parts.push(`SELECT cp.contact_id FROM contact_phones cp WHERE ${phone.join(' OR ')}`);
  return parts.length ? { sql: `c.id IN (${parts.join(' UNION ')})`, params } : null;
}

export class ContactsRepository {
  private readonly contacts: Repository<ContactRow>;
  private readonly phones: Repository<ContactPhoneRow>;

  /** An EntityManager works inside its transaction (a write then nests in it as a savepoint). */
  constructor(private readonly dataSource: DataSource | EntityManager) {
    this.contacts = dataSource.getRepository(ContactEntity);
    this.phones = dataSource.getRepository(ContactPhoneEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<ContactRow> {
    const qb = this.contacts.createQueryBuilder('c');
    if (!seesAll(viewer)) qb.where(contactVisible('c'), scopeParams(viewer));
    return qb;
  }

  findVisible(viewer: UserDto, id: string): Promise<ContactRow | null> {
    return this.scoped(viewer).andWhere('c.id = :id', { id }).getOne();
  }

  async search(viewer: UserDto, s: ContactSearch): Promise<[ContactRow[], number]> {
    const qb = this.scoped(viewer);
    if (s.ownerId) qb.andWhere('c.owner_id = :ownerId', { ownerId: s.ownerId });
    if (s.companyId) qb.andWhere('c.company_id = :companyId', { companyId: s.companyId });
    if (s.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: s.tag });
    if (s.custom) qb.andWhere(s.custom.sql, s.custom.params);
    if (s.terms) {
      const match = contactMatch(s.terms);
      qb.andWhere(match?.sql ?? 'false', match?.params ?? {});
    }
    return sortList(qb, SORTS[s.sort ?? 'name'], s.dir, 'c.id')
      .skip(s.offset)
      .take(s.limit)
      .getManyAndCount();
  }

  /** Contacts having this number by E.164 or the last-10-digits fallback. Unscoped: for the call pipeline. */
  async findByPhone(e164: string | null, last10: string | null): Promise<ContactRow[]> {
    if (!e164 && !last10) return [];
    const where = [e164 ? 'p.e164 = :e164' : null, last10 ? 'p.last10 = :last10' : null].filter(Boolean).join(' OR ');
    const qb = this.contacts
      .createQueryBuilder('c')
      .innerJoin('contact_phones', 'p', 'p.contact_id = c.id')
      .where(`(${where})`, { e164, last10 })
      .orderBy('c.created_at', 'ASC');
    return qb.getMany();
  }

  async phonesOf(contactIds: string[]): Promise<Map<string, ContactPhoneRow[]>> {
    const map = new Map<string, ContactPhoneRow[]>();
    if (contactIds.length === 0) return map;
    const rows = await this.phones.find({ where: { contactId: In(contactIds) }, order: { position: 'ASC' } });
    for (const row of rows) map.set(row.contactId, [...(map.get(row.contactId) ?? []), row]);
    return map;
  }

  async insert(row: Omit<ContactRow, 'id' | 'createdAt' | 'updatedAt'>, phones: PhoneInsert[]): Promise<ContactRow> {
    return this.dataSource.transaction(async (em) => {
      const saved = await em.getRepository(ContactEntity).save(em.getRepository(ContactEntity).create(row));
      await this.replacePhones(em, saved.id, phones);
      return saved;
    });
  }

  async update(id: string, patch: Partial<ContactRow>, phones: PhoneInsert[] | undefined): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      if (Object.keys(patch).length > 0) await em.getRepository(ContactEntity).update({ id }, asUpdate(patch));
      else await em.getRepository(ContactEntity).update({ id }, { updatedAt: new Date() });
      if (phones) await this.replacePhones(em, id, phones);
    });
  }

  /** The owner alone, inside the caller's transaction (a reassignment is audited in the same one). */
  async setOwner(m: EntityManager, id: string, ownerId: string | null): Promise<void> {
    await m.getRepository(ContactEntity).update({ id }, { ownerId, updatedAt: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.contacts.delete({ id });
  }

  private async replacePhones(em: EntityManager, contactId: string, phones: PhoneInsert[]): Promise<void> {
    const repo = em.getRepository(ContactPhoneEntity);
    await repo.delete({ contactId });
    if (phones.length > 0) await repo.insert(phones.map((p) => ({ ...p, contactId })));
  }

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.contacts.manager.query(
      `UPDATE contacts SET owner_id = $2, updated_at = now() WHERE owner_id = $1`,
      [fromUserId, toUserId],
    );
    return affected;
  }

  /** Purge of a removed custom field (custom-fields module): its values leave every record; returns how many. */
  async dropCustomKey(key: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.contacts.manager.query(
      `UPDATE contacts SET custom = custom - $1 WHERE custom ? $1`,
      [key],
    );
    return affected;
  }
}
