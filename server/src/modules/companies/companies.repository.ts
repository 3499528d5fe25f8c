import { type DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type COMPANY_SORTS } from '@contracts/dto/company';
import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import { companyVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { type Match, matchIn, type SearchTerms } from '@server/common/search/search-terms';
import { CompanyEntity, type CompanyRow } from '@server/modules/companies/company.entity';

const SORTS: Record<(typeof COMPANY_SORTS)[number], SortColumn> = {
  name: { sql: 'co.name' },
  inn: { sql: 'co.inn' },
  createdAt: { sql: 'co.created_at', dir: 'DESC' },
};

/** Companies (alias `co`) whose name or INN holds the text, or whose number is or contains the digits. */
export const companyMatch = (terms: SearchTerms, p = 'com'): Match | null =>
  matchIn('co', 'companies', terms, { text: 'search_text', digits: 'phone_digits', exact: 'phone_e164' }, p);

export interface CompanySearch {
  terms?: SearchTerms;
  custom?: CustomFilter;
  sort?: (typeof COMPANY_SORTS)[number];
  dir?: SortDirection;
  limit: number;
  offset: number;
}

export class CompaniesRepository {
  private readonly repo: Repository<CompanyRow>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(CompanyEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<CompanyRow> {
    const qb = this.repo.createQueryBuilder('co');
    if (!seesAll(viewer)) qb.where(companyVisible('co'), scopeParams(viewer));
    return qb;
  }

  findVisible(viewer: UserDto, id: string): Promise<CompanyRow | null> {
    return this.scoped(viewer).andWhere('co.id = :id', { id }).getOne();
  }

  search(viewer: UserDto, s: CompanySearch): Promise<[CompanyRow[], number]> {
    const qb = this.scoped(viewer);
    if (s.custom) qb.andWhere(s.custom.sql, s.custom.params);
    if (s.terms) {
      const match = companyMatch(s.terms);
      qb.andWhere(match?.sql ?? 'false', match?.params ?? {});
    }
    return sortList(qb, SORTS[s.sort ?? 'name'], s.dir, 'co.id')
      .skip(s.offset)
      .take(s.limit)
      .getManyAndCount();
  }

  insert(row: Omit<CompanyRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<CompanyRow> {
    return this.repo.save(this.repo.create(row));
  }

  async setOwner(m: EntityManager, id: string, ownerId: string | null): Promise<void> {
    await m.getRepository(CompanyEntity).update({ id }, { ownerId, updatedAt: new Date() });
  }

  async update(id: string, patch: Partial<CompanyRow>): Promise<void> {
    await this.repo.update({ id }, asUpdate({ ...patch, updatedAt: new Date() }));
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE companies SET owner_id = $2, updated_at = now() WHERE owner_id = $1`,
      [fromUserId, toUserId],
    );
    return affected;
  }

  /** Purge of a removed custom field (custom-fields module): its values leave every record; returns how many. */
  async dropCustomKey(key: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE companies SET custom = custom - $1 WHERE custom ? $1`,
      [key],
    );
    return affected;
  }
}
