import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import { dealVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { DealEntity, type DealRow } from '@server/modules/deals/deal.entity';

export interface DealFilter {
  pipelineId?: string;
  stage?: string;
  custom?: CustomFilter;
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
    if (!seesAll(viewer)) qb.where(dealVisible('d'), scopeParams(viewer));
    return qb;
  }

  findVisible(viewer: UserDto, id: string): Promise<DealRow | null> {
    return this.scoped(viewer).andWhere('d.id = :id', { id }).getOne();
  }

  search(viewer: UserDto, f: DealFilter): Promise<[DealRow[], number]> {
    const qb = this.scoped(viewer);
    if (f.pipelineId) qb.andWhere('d.pipeline_id = :pipelineId', { pipelineId: f.pipelineId });
    if (f.stage) qb.andWhere('d.stage = :stage', { stage: f.stage });
    if (f.custom) qb.andWhere(f.custom.sql, f.custom.params);
    if (f.contactId) qb.andWhere('d.contact_id = :contactId', { contactId: f.contactId });
    if (f.companyId) qb.andWhere('d.company_id = :companyId', { companyId: f.companyId });
    return qb.orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'ASC').skip(f.offset).take(f.limit).getManyAndCount();
  }

  /** Per stage and currency; numeric sums come back as strings, kept that way for precision. */
  async stageTotals(
    viewer: UserDto,
    pipelineId: string | undefined,
  ): Promise<{ pipelineId: string; stage: string; currency: string; count: number; amount: string }[]> {
    const qb = this.scoped(viewer);
    if (pipelineId) qb.andWhere('d.pipeline_id = :pipelineId', { pipelineId });
    const rows = await qb
      .select('d.pipeline_id', 'pipelineId')
      .addSelect('d.stage', 'stage')
      .addSelect('d.currency', 'currency')
      .addSelect('COUNT(*)::int', 'count')
      .addSelect('COALESCE(SUM(d.amount), 0)::text', 'amount')
      .groupBy('d.pipeline_id')
      .addGroupBy('d.stage')
      .addGroupBy('d.currency')
      .orderBy('d.stage', 'ASC')
      .addOrderBy('d.currency', 'ASC')
      .getRawMany<{ pipelineId: string; stage: string; currency: string; count: number; amount: string }>();
    return rows;
  }

  insert(row: Omit<DealRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<DealRow> {
    return this.repo.save(this.repo.create(row));
  }

  async update(id: string, patch: Partial<DealRow>): Promise<void> {
    await this.repo.update({ id }, asUpdate({ ...patch, updatedAt: new Date() }));
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE deals SET owner_id = $2, updated_at = now() WHERE owner_id = $1 AND closed_at IS NULL`,
      [fromUserId, toUserId],
    );
    return affected;
  }

  /** Purge of a removed custom field (custom-fields module): its values leave every record; returns how many. */
  async dropCustomKey(key: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE deals SET custom = custom - $1 WHERE custom ? $1`,
      [key],
    );
    return affected;
  }
}
