import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { DEAL_STAGES, type DEAL_SORTS } from '@contracts/dto/deal';
import { type UserDto } from '@contracts/dto/user';
import { dealVisible, seesAll } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { type Match, matchIn, type SearchTerms } from '@server/common/search/search-terms';
import { DealEntity, type DealRow } from '@server/modules/deals/deal.entity';

const SORTS: Record<(typeof DEAL_SORTS)[number], SortColumn> = {
  createdAt: { sql: 'd.created_at', dir: 'DESC' },
  updatedAt: { sql: 'd.updated_at', dir: 'DESC' },
  title: { sql: 'd.title' },
  company: { sql: '(SELECT sco.name FROM companies sco WHERE sco.id = d.company_id)' },
  // Pipeline order, not the alphabet.
  stage: { sql: `array_position(ARRAY[${DEAL_STAGES.map((s) => `'${s}'`).join(', ')}], d.stage)` },
  amount: { sql: 'd.amount', dir: 'DESC' },
};

/** Deals (alias `d`) whose title holds the text. */
export const dealMatch = (terms: SearchTerms, p = 'dm'): Match | null =>
  matchIn('d', 'deals', terms, { text: 'search_text' }, p);

export interface DealFilter {
  terms?: SearchTerms;
  sort?: (typeof DEAL_SORTS)[number];
  dir?: SortDirection;
  stage?: string;
  contactId?: string;
  companyId?: string;
  limit: number;
  offset: number;
}

export class DealsRepository {
  private readonly repo: Repository<DealRow>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(DealEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<DealRow> {
    const qb = this.repo.createQueryBuilder('d');
    if (!seesAll(viewer)) qb.where(dealVisible('d'), { viewerId: viewer.id });
    return qb;
  }

  findVisible(viewer: UserDto, id: string): Promise<DealRow | null> {
    return this.scoped(viewer).andWhere('d.id = :id', { id }).getOne();
  }

  search(viewer: UserDto, f: DealFilter): Promise<[DealRow[], number]> {
    const qb = this.scoped(viewer);
    if (f.stage) qb.andWhere('d.stage = :stage', { stage: f.stage });
    if (f.contactId) qb.andWhere('d.contact_id = :contactId', { contactId: f.contactId });
    if (f.companyId) qb.andWhere('d.company_id = :companyId', { companyId: f.companyId });
    if (f.terms) {
      const match = dealMatch(f.terms);
      qb.andWhere(match?.sql ?? 'false', match?.params ?? {});
    }
    return sortList(qb, SORTS[f.sort ?? 'createdAt'], f.dir, 'd.id')
      .skip(f.offset)
      .take(f.limit)
      .getManyAndCount();
  }

  /** Per stage and currency; numeric sums come back as strings, kept that way for precision. */
  async stageTotals(viewer: UserDto): Promise<{ stage: string; currency: string; count: number; amount: string }[]> {
    const rows = await this.scoped(viewer)
      .select('d.stage', 'stage')
      .addSelect('d.currency', 'currency')
      .addSelect('COUNT(*)::int', 'count')
      .addSelect('COALESCE(SUM(d.amount), 0)::text', 'amount')
      .groupBy('d.stage')
      .addGroupBy('d.currency')
      .orderBy('d.stage', 'ASC')
      .addOrderBy('d.currency', 'ASC')
      .getRawMany<{ stage: string; currency: string; count: number; amount: string }>();
    return rows;
  }

  insert(row: Omit<DealRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<DealRow> {
    return this.repo.save(this.repo.create(row));
  }

  async update(id: string, patch: Partial<DealRow>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
