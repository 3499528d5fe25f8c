import { type DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { dealVisible, seesAll } from '@server/common/access/visibility';
import { DealEntity, type DealRow } from '@server/modules/deals/deal.entity';

export interface DealFilter {
  stage?: string;
  contactId?: string;
  companyId?: string;
  limit: number;
  offset: number;
}

/** One row of `deal_stage_history`: a stage the deal entered (`fromStage` null: it was created). */
export interface DealStageRow {
  id: string;
  from_stage: string | null;
  to_stage: string;
  changed_at: Date;
  by_id: string | null;
  by_name: string | null;
}

export class DealsRepository {
  private readonly repo: Repository<DealRow>;

  constructor(private readonly dataSource: DataSource) {
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
    return qb.orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'ASC').skip(f.offset).take(f.limit).getManyAndCount();
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

  /** The deal and its first history row (its creation, in its first stage), in one transaction. */
  insert(row: Omit<DealRow, 'id' | 'createdAt' | 'updatedAt'>, byUserId: string | null): Promise<DealRow> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(DealEntity);
      const saved = await repo.save(repo.create(row));
      await this.recordStage(m, saved.id, null, saved.stage, byUserId);
      return saved;
    });
  }

  /** A stage change is stored with the change itself: the history never misses a move or shows one that failed. */
  async update(
    id: string,
    patch: Partial<DealRow>,
    stageChange?: { from: string; to: string; byUserId: string | null },
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(DealEntity).update({ id }, { ...patch, updatedAt: new Date() });
      if (stageChange) await this.recordStage(m, id, stageChange.from, stageChange.to, stageChange.byUserId);
    });
  }

  /** The owner alone, inside the caller's transaction (a reassignment is audited in the same one). */
  async setOwner(m: EntityManager, id: string, ownerId: string | null): Promise<void> {
    await m.getRepository(DealEntity).update({ id }, { ownerId, updatedAt: new Date() });
  }

  /** Every stage the deal entered, newest first. */
  history(dealId: string): Promise<DealStageRow[]> {
    return this.dataSource.query(
      `SELECT h.id, h.from_stage, h.to_stage, h.changed_at, u.id AS by_id, u.name AS by_name
       FROM deal_stage_history h LEFT JOIN users u ON u.id = h.changed_by
       WHERE h.deal_id = $1 ORDER BY h.changed_at DESC, h.id DESC`,
      [dealId],
    );
  }

  private async recordStage(
    m: EntityManager,
    dealId: string,
    from: string | null,
    to: string,
    byUserId: string | null,
  ): Promise<void> {
    await m.query(
      `INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, changed_by) VALUES ($1, $2, $3, $4)`,
      [dealId, from, to, byUserId],
    );
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
