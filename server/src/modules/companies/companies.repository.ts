import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import { companyVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { likeContains } from '@server/common/http/like';
import { CompanyEntity, type CompanyRow } from '@server/modules/companies/company.entity';

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

  search(
    viewer: UserDto,
    s: { text?: string; custom?: CustomFilter; limit: number; offset: number },
  ): Promise<[CompanyRow[], number]> {
    const qb = this.scoped(viewer);
    if (s.custom) qb.andWhere(s.custom.sql, s.custom.params);
    if (s.text) qb.andWhere('(co.name ILIKE :like OR co.inn = :text)', { like: likeContains(s.text), text: s.text });
    return qb.orderBy('co.name', 'ASC').addOrderBy('co.id', 'ASC').skip(s.offset).take(s.limit).getManyAndCount();
  }

  insert(row: Omit<CompanyRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<CompanyRow> {
    return this.repo.save(this.repo.create(row));
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
