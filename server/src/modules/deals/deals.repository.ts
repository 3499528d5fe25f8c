import { type DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type DEAL_SORTS } from '@contracts/dto/deal';
import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import { dealVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { type Match, matchIn, type SearchTerms } from '@server/common/search/search-terms';
import { DealEntity, type DealRow } from '@server/modules/deals/deal.entity';

const SORTS: Record<(typeof DEAL_SORTS)[number], SortColumn> = {
  createdAt: { sql: 'd.created_at', dir: 'DESC' },
  updatedAt: { sql: 'd.updated_at', dir: 'DESC' },
  title: { sql: 'd.title' },
  company: { sql: '(SELECT sco.name FROM companies sco WHERE sco.id = d.company_id)' },
  // The order of the pipeline's stages (its kanban's columns), not the alphabet.
  stage: {
    sql: '(SELECT ps.position FROM pipeline_stages ps WHERE ps.pipeline_id = d.pipeline_id AND ps.key = d.stage)',
  },
  amount: { sql: 'd.amount', dir: 'DESC' },
};

/** Deals (alias `d`) whose title holds the text. */
export const dealMatch = (terms: SearchTerms, p = 'dm'): Match | null =>
  matchIn('d', 'deals', terms, { text: 'search_text' }, p);

export interface DealFilter {
  pipelineId?: string;
  terms?: SearchTerms;
  sort?: (typeof DEAL_SORTS)[number];
  dir?: SortDirection;
  stage?: string;
  custom?: CustomFilter;
  contactId?: string;
  companyId?: string;
  limit: number;
  offset: number;
}

/** A stage is its key within a pipeline. */
export interface StagePlace {
  pipelineId: string;
  stage: string;
}

export interface StageChange {
  from: StagePlace;
  to: StagePlace;
  byUserId: string | null;
}

/** One row of `deal_stage_history`: a stage the deal entered (`from_stage` null: it was created). */
export interface DealStageRow {
  id: string;
  from_pipeline_id: string | null;
  from_stage: string | null;
  to_pipeline_id: string;
  to_stage: string;
  changed_at: Date;
  by_id: string | null;
  by_name: string | null;
}

export class DealsRepository {
  private readonly repo: Repository<DealRow>;

  /** An EntityManager works inside its transaction (the stage history's own then nests as a savepoint). */
  constructor(private readonly dataSource: DataSource | EntityManager) {
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

  /** The deal and its first history row (its creation, in its first stage), in one transaction. */
  insert(row: Omit<DealRow, 'id' | 'createdAt' | 'updatedAt'>, byUserId: string | null): Promise<DealRow> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(DealEntity);
      const saved = await repo.save(repo.create(row));
      await this.recordStage(m, saved.id, null, { pipelineId: saved.pipelineId, stage: saved.stage }, byUserId);
      return saved;
    });
  }

  /** A stage change is stored with the change itself: the history never misses a move or shows one that failed. */
  async update(id: string, patch: Partial<DealRow>, stageChange?: StageChange): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(DealEntity).update({ id }, asUpdate({ ...patch, updatedAt: new Date() }));
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
      `SELECT h.id, h.from_pipeline_id, h.from_stage, h.to_pipeline_id, h.to_stage, h.changed_at,
         u.id AS by_id, u.name AS by_name
       FROM deal_stage_history h LEFT JOIN users u ON u.id = h.changed_by
       WHERE h.deal_id = $1 ORDER BY h.changed_at DESC, h.id DESC`,
      [dealId],
    );
  }

  private async recordStage(
    m: EntityManager,
    dealId: string,
    from: StagePlace | null,
    to: StagePlace,
    byUserId: string | null,
  ): Promise<void> {
    await m.query(
      `INSERT INTO deal_stage_history (deal_id, from_pipeline_id, from_stage, to_pipeline_id, to_stage, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [dealId, from?.pipelineId ?? null, from?.stage ?? null, to.pipelineId, to.stage, byUserId],
    );
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
