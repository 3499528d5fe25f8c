import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type LEAD_SORTS } from '@contracts/dto/lead';
import { type UserDto } from '@contracts/dto/user';
import { leadVisible, seesAll } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { type Match, matchIn, type SearchTerms } from '@server/common/search/search-terms';
import { LeadEntity, type LeadRow } from '@server/modules/leads/lead.entity';

export const OPEN_LEAD_INDEX = 'uq_leads_open_phone';
const OPEN = `status NOT IN ('converted', 'junk')`;

export type LeadInsert = Omit<LeadRow, 'id' | 'createdAt' | 'updatedAt'>;

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
  sort?: (typeof LEAD_SORTS)[number];
  dir?: SortDirection;
  limit: number;
  offset: number;
}

export class LeadsRepository {
  private readonly repo: Repository<LeadRow>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(LeadEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<LeadRow> {
    const qb = this.repo.createQueryBuilder('l');
    if (!seesAll(viewer)) qb.where(leadVisible('l'), { viewerId: viewer.id });
    return qb;
  }

  findVisible(viewer: UserDto, id: string): Promise<LeadRow | null> {
    return this.scoped(viewer).andWhere('l.id = :id', { id }).getOne();
  }

  search(viewer: UserDto, s: LeadSearch): Promise<[LeadRow[], number]> {
    const qb = this.scoped(viewer);
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
  async insertIfNoOpen(row: LeadInsert & { phoneE164: string }): Promise<LeadRow | null> {
    const repo = this.repo;
    const result = await repo
      .createQueryBuilder()
      .insert()
      .into(LeadEntity)
      .values(row)
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? repo.findOneBy({ id }) : null;
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

  async update(id: string, patch: Partial<LeadRow>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.getRepository(LeadEntity).delete({ id });
  }
}
