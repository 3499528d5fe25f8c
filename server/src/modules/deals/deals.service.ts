import { type DataSource } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type CreateDealRequest,
  type DealDto,
  type DealStageTotalDto,
  DEAL_STAGES,
  type UpdateDealRequest,
  createDealRequestSchema,
  dealListQuerySchema,
  updateDealRequestSchema,
} from '@contracts/dto/deal';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { seesAll } from '@server/common/access/visibility';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { type DealRow } from '@server/modules/deals/deal.entity';
import { dealsError } from '@server/modules/deals/deals.errors';
import { DealsRepository } from '@server/modules/deals/deals.repository';

const CLOSED = new Set(['won', 'lost']);
const isDealStage = (s: string): s is DealDto['stage'] => (DEAL_STAGES as readonly string[]).includes(s);

export class DealsService {
  private readonly repo: DealsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit?: AuditService,
  ) {
    this.repo = new DealsRepository(dataSource);
  }

  async list(viewer: UserDto, query: (typeof dealListQuerySchema)['_zod']['input']): Promise<Page<DealDto>> {
    const q = dealListQuerySchema.parse(query);
    const [rows, total] = await this.repo.search(viewer, q);
    return { items: rows.map(toDealDto), total, limit: q.limit, offset: q.offset };
  }

  async stageTotals(viewer: UserDto): Promise<DealStageTotalDto[]> {
    const rows = await this.repo.stageTotals(viewer);
    return rows.flatMap((r) =>
      isDealStage(r.stage) ? [{ stage: r.stage, currency: r.currency.trim(), count: r.count, amount: r.amount }] : [],
    );
  }

  async get(viewer: UserDto, id: string): Promise<DealDto> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw dealsError('DEAL_NOT_FOUND');
    return toDealDto(row);
  }

  async create(viewer: UserDto, input: CreateDealRequest): Promise<DealDto> {
    const req = createDealRequestSchema.parse(input);
    await this.assertLinksVisible(viewer, req);
    const row = await fkSafe(() =>
      this.repo.insert({
        title: req.title,
        stage: req.stage,
        amount: req.amount,
        currency: req.currency,
        ownerId: seesAll(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id,
        contactId: req.contactId,
        companyId: req.companyId,
        closedAt: CLOSED.has(req.stage) ? new Date() : null,
      }),
    );
    return toDealDto(row);
  }

  async update(viewer: UserDto, id: string, input: UpdateDealRequest): Promise<DealDto> {
    const req = updateDealRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    await this.assertLinksVisible(viewer, req, current);
    const { ownerId, ...rest } = req;
    const patch: Partial<DealRow> = { ...rest };
    if (ownerId !== undefined && seesAll(viewer)) patch.ownerId = ownerId;
    if (req.stage && req.stage !== current.stage) patch.closedAt = CLOSED.has(req.stage) ? new Date() : null;
    await fkSafe(() => this.repo.update(id, patch));
    return this.get(viewer, id);
  }

  /** The contact and company a deal names must be visible to the viewer (unchanged ones are not re-checked). */
  private async assertLinksVisible(
    viewer: UserDto,
    req: { contactId?: string | null; companyId?: string | null },
    current?: DealDto,
  ): Promise<void> {
    const hidden = await firstHiddenReference(this.dataSource, viewer, {
      contactId: reference('contact', req.contactId, current?.contactId),
      companyId: reference('company', req.companyId, current?.companyId),
    });
    if (hidden) throw dealsError('LINKED_ENTITY_NOT_FOUND', hidden);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit?.record({
      actorId: viewer.id,
      action: 'deal.delete',
      entity: 'deal',
      entityId: id,
      details: { before },
    });
  }
}

async function fkSafe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) throw dealsError('LINKED_ENTITY_NOT_FOUND');
    throw err;
  }
}

export const toDealDto = (r: DealRow): DealDto => ({
  id: r.id,
  title: r.title,
  stage: r.stage,
  amount: r.amount,
  currency: r.currency,
  ownerId: r.ownerId,
  contactId: r.contactId,
  companyId: r.companyId,
  closedAt: r.closedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
