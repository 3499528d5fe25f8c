import { type DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type LEAD_SORTS } from '@contracts/dto/lead';
import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import { leadVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { type Match, matchIn, type SearchTerms } from '@server/common/search/search-terms';
import { LeadEntity, type LeadRow } from '@server/modules/leads/lead.entity';

export const OPEN_LEAD_INDEX = 'uq_leads_open_phone';
const OPEN = `status NOT IN ('converted', 'junk')`;

export type LeadInsert = Omit<LeadRow, 'id' | 'createdAt' | 'updatedAt' | 'custom'> & Partial<Pick<LeadRow, 'custom'>>;

const SORTS: Record<(typeof LEAD_SORTS)[number], SortColumn> = {
  createdAt: { sql: 'l.created_at', dir: 'DESC' },
  name: { sql: 'l.name' },
  phone: { sql: 'l.phone_e164' },
  status: { sql: `array_position(ARRAY['new', 'in_progress', 'qualified', 'converted', 'junk'], l.status)` },
  source: { sql: 'l.source' },
};

/** Leads (alias `l`) whose name holds the text, or whose number is or contains the digits. */
export const leadMatch = (terms: SearchTerms, p = 'lm'): Match | null =>
  matchIn('l', 'leads', terms, { text: 'search_text', digits: 'phone_digits', exact: 'phone_e164' }, p);

export interface LeadSearch {
  terms?: SearchTerms;
  phones?: string[];
  status?: string;
  custom?: CustomFilter;
  sort?: (typeof LEAD_SORTS)[number];
  dir?: SortDirection;
  limit: number;
  offset: number;
}

export class LeadsRepository {
  private readonly repo: Repository<LeadRow>;

  /** An EntityManager works inside its transaction. */
  constructor(private readonly dataSource: DataSource | EntityManager) {
    this.repo = dataSource.getRepository(LeadEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<LeadRow> {
    const qb = this.repo.createQueryBuilder('l');
    if (!seesAll(viewer)) qb.where(leadVisible('l'), scopeParams(viewer));
    return qb;
  }

  findById(id: string): Promise<LeadRow | null> {
    return this.repo.findOneBy({ id });
  }

  findVisible(viewer: UserDto, id: string): Promise<LeadRow | null> {
    return this.scoped(viewer).andWhere('l.id = :id', { id }).getOne();
  }

  search(viewer: UserDto, s: LeadSearch): Promise<[LeadRow[], number]> {
    const qb = this.scoped(viewer);
    if (s.custom) qb.andWhere(s.custom.sql, s.custom.params);
    if (s.phones) qb.andWhere('l.phone_e164 IN (:...phones)', { phones: s.phones });
    if (s.status) qb.andWhere('l.status = :status', { status: s.status });
    if (s.terms) {
      const match = leadMatch(s.terms);
      qb.andWhere(match?.sql ?? 'false', match?.params ?? {});
    }
    return sortList(qb, SORTS[s.sort ?? 'createdAt'], s.dir, 'l.id')
      .skip(s.offset)
      .take(s.limit)
      .getManyAndCount();
  }

  /** `em` runs the query inside the caller's transaction, so a lock-holding transaction never waits for the pool. */
  findOpenByPhone(e164: string): Promise<LeadRow | null> {
    return this.repo.createQueryBuilder('l').where(`l.phone_e164 = :e164 AND l.${OPEN}`, { e164 }).getOne();
  }

  insert(row: LeadInsert): Promise<LeadRow> {
    return this.repo.save(this.repo.create(row));
  }

  /** INSERT … ON CONFLICT DO NOTHING against the partial unique index; null when an open lead already exists. */
  /** The new lead, whole from the insert itself (what the database made is returned), or null if one is open. */
  async insertIfNoOpen(row: LeadInsert & { phoneE164: string }): Promise<LeadRow | null> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(LeadEntity)
      .values(asUpdate<LeadRow>(row))
      .orIgnore()
      .returning('id, custom, created_at, updated_at')
      .execute();
    const made = (result.raw as { id: string; custom: LeadRow['custom']; created_at: Date; updated_at: Date }[])[0];
    return made
      ? { ...row, id: made.id, custom: made.custom, createdAt: made.created_at, updatedAt: made.updated_at }
      : null;
  }

  async setOwnerIfNone(id: string, ownerId: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(LeadEntity)
      .set({ ownerId, updatedAt: () => 'now()' })
      .where('id = :id AND owner_id IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The owner alone, inside the caller's transaction (a reassignment is audited in the same one). */
  async setOwner(m: EntityManager, id: string, ownerId: string | null): Promise<void> {
    await m.getRepository(LeadEntity).update({ id }, { ownerId, updatedAt: new Date() });
  }

  async update(id: string, patch: Partial<LeadRow>): Promise<void> {
    await this.repo.update({ id }, asUpdate({ ...patch, updatedAt: new Date() }));
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.getRepository(LeadEntity).delete({ id });
  }

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE leads SET owner_id = $2, updated_at = now() WHERE owner_id = $1 AND status NOT IN ('converted', 'junk')`,
      [fromUserId, toUserId],
    );
    return affected;
  }

  /** Purge of a removed custom field (custom-fields module): its values leave every record; returns how many. */
  async dropCustomKey(key: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE leads SET custom = custom - $1 WHERE custom ? $1`,
      [key],
    );
    return affected;
  }
}
