import { type DataSource, type EntityManager } from 'typeorm';
import { contactColumnRefs, type ContactRefsOwner } from '@server/common/db/contact-refs';

import { type Page } from '@contracts/dto/common';
import {
  type AddDealItemRequest,
  type CreateDealRequest,
  type DealDto,
  type DealItemsDto,
  type DealStageChangeDto,
  type DealStageTotalDto,
  type UpdateDealRequest,
  addDealItemRequestSchema,
  createDealRequestSchema,
  dealListQuerySchema,
  updateDealRequestSchema,
} from '@contracts/dto/deal';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { assignsOthers } from '@server/common/access/visibility';
import { textTerms } from '@server/common/search/search-terms';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { type DealRow } from '@server/modules/deals/deal.entity';
import { dealsError } from '@server/modules/deals/deals.errors';
import { DealsRepository, type StageChange } from '@server/modules/deals/deals.repository';
import { type DealAmount, DealItemsRepository } from '@server/modules/deals/deal-items.repository';
import { type ProductsService } from '@server/modules/products/products.service';
import { type DomainEventSink, NO_DOMAIN_EVENTS } from '@server/common/events/domain-events';
import { type CustomValues } from '@contracts/dto/custom-field';
import { customFilter, type CustomFieldsService, NO_CUSTOM } from '@server/modules/custom-fields/custom-fields.service';
import { type DealPlace, type PipelinesService } from '@server/modules/pipelines/pipelines.service';
import { ownershipError, type Reassigner } from '@server/modules/ownership/ownership.service';

/** Which rows match a search term is the owner's rule; the global search read model joins them. */
export { dealMatch } from '@server/modules/deals/deals.repository';

/** A deal is closed (closedAt set) while it is on a won or lost stage. */
const closes = (place: DealPlace) => place.stage.kind !== 'open';

export class DealsService {
  /** A contact merge moves this module's deals rows between contacts (and back on undo), in its transaction. */
  readonly contactRefs: ContactRefsOwner = contactColumnRefs({ table: 'deals', column: 'contact_id' });
  private readonly repo: DealsRepository;
  private readonly itemsRepo: DealItemsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly reassigner: Reassigner,
    private readonly deps: {
      pipelines?: PipelinesService;
      fields?: CustomFieldsService;
      products?: ProductsService;
    } = {},
    /** `deal.stage_changed` for webhooks. */
    private readonly events: DomainEventSink = NO_DOMAIN_EVENTS,
  ) {
    this.repo = new DealsRepository(dataSource);
    this.itemsRepo = new DealItemsRepository(dataSource);
  }

  /** Part of a departing user's handover (users module): their open deals go to `toUserId`; returns how many. */
  reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    return this.repo.reassignOpen(fromUserId, toUserId);
  }

  /** Purge of a removed custom field: its values leave every deal. */
  dropCustomKey(key: string): Promise<number> {
    return this.repo.dropCustomKey(key);
  }

  async list(viewer: UserDto, query: (typeof dealListQuerySchema)['_zod']['input']): Promise<Page<DealDto>> {
    const q = dealListQuerySchema.parse(query);
    const { q: text, ...filter } = q;
    const [rows, total] = await this.repo.search(viewer, {
      ...filter,
      terms: text ? textTerms(text) : undefined,
      custom: await customFilter(this.deps.fields, 'deal', 'd', q),
    });
    const show = await this.show();
    return { items: rows.map((r) => toDealDto(r, show)), total, limit: q.limit, offset: q.offset };
  }

  async stageTotals(viewer: UserDto, pipelineId?: string): Promise<DealStageTotalDto[]> {
    const rows = await this.repo.stageTotals(viewer, pipelineId);
    return rows.map((r) => ({ ...r, currency: r.currency.trim() }));
  }

  async get(viewer: UserDto, id: string): Promise<DealDto> {
    return toDealDto(await this.row(viewer, id), await this.show());
  }

  /** `em`: inside the caller's transaction (a lead converted into a contact and a deal at once). */
  async create(viewer: UserDto, input: CreateDealRequest, em?: EntityManager): Promise<DealDto> {
    const req = createDealRequestSchema.parse(input);
    const place = await this.place(req.pipelineId, req.stage);
    await this.assertLinksVisible(viewer, req, undefined, em);
    const custom = (await this.deps.fields?.apply('deal', req.custom, {}, true)) ?? {};
    const repo = em ? new DealsRepository(em) : this.repo;
    const row = await fkSafe(() =>
      repo.insert(
        {
          title: req.title,
          pipelineId: place.pipelineId,
          stage: place.stage.key,
          amount: req.amount,
          currency: req.currency,
          ownerId: assignsOthers(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id,
          contactId: req.contactId,
          companyId: req.companyId,
          closedAt: closes(place) ? new Date() : null,
          custom,
        },
        viewer.id,
      ),
    );
    return toDealDto(row, await this.show());
  }

  async update(viewer: UserDto, id: string, input: UpdateDealRequest): Promise<DealDto> {
    const req = updateDealRequestSchema.parse(input);
    const current = await this.row(viewer, id);
    await this.assertLinksVisible(viewer, req, current);
    await this.assertAmountByHand(req, current);
    const { ownerId, custom, pipelineId, stage, ...rest } = req;
    const patch: Partial<DealRow> = { ...rest };
    const moved =
      (pipelineId !== undefined && pipelineId !== current.pipelineId) || (stage ?? current.stage) !== current.stage;
    let stageChange: StageChange | undefined;
    if (moved) {
      // Another pipeline without a stage: its first open stage.
      const samePipeline = pipelineId === undefined || pipelineId === current.pipelineId;
      const place = await this.place(
        pipelineId ?? current.pipelineId,
        stage ?? (samePipeline ? current.stage : undefined),
      );
      patch.pipelineId = place.pipelineId;
      patch.stage = place.stage.key;
      patch.closedAt = closes(place) ? new Date() : null;
      stageChange = {
        from: { pipelineId: current.pipelineId, stage: current.stage },
        to: { pipelineId: place.pipelineId, stage: place.stage.key },
        byUserId: viewer.id,
      };
    }
    if (custom !== undefined && this.deps.fields) {
      patch.custom = await this.deps.fields.apply('deal', custom, current.custom ?? {}, false);
    }
    // An operator's ownerId is ignored (they stay the owner); anyone else's is a reassignment, audited.
    if (ownerId !== undefined && assignsOthers(viewer)) await this.changeOwner(viewer, current, ownerId, 'ownerId');
    if (Object.keys(patch).length) await fkSafe(() => this.repo.update(id, patch, stageChange));
    const deal = await this.get(viewer, id);
    if (deal.stage !== current.stage) {
      await this.events.publish({
        type: 'deal.stage_changed',
        // One event per change: the same stage reached again later is another change.
        key: `${id}:${current.stage}:${deal.stage}:${deal.updatedAt}`,
        occurredAt: new Date(deal.updatedAt),
        data: { deal, from: current.stage, to: deal.stage },
        actorId: viewer.id,
      });
    }
    return deal;
  }

  /** The deal's line items and its amount (their sum while it has any). */
  async items(viewer: UserDto, id: string): Promise<DealItemsDto> {
    const deal = await this.row(viewer, id);
    return this.itemsDto(id, { amount: deal.amount, currency: deal.currency.trim() });
  }

  /**
   * Adds an active product with its price now (a later price change leaves the item as it was). A deal without
   * items takes the product's currency; a deal with items takes only products of its currency.
   */
  async addItem(viewer: UserDto, id: string, input: AddDealItemRequest): Promise<DealItemsDto> {
    const req = addDealItemRequestSchema.parse(input);
    await this.row(viewer, id);
    const product = (await this.products().byIds([req.productId])).get(req.productId);
    if (!product) throw dealsError('LINKED_ENTITY_NOT_FOUND', 'productId');
    if (!product.active) throw dealsError('PRODUCT_INACTIVE', 'productId');
    const amount = await this.itemsRepo.changeItems(id, async (m, deal) => {
      if (deal.items === 0 && deal.currency !== product.currency) {
        await this.itemsRepo.setCurrency(m, id, product.currency);
      } else if (deal.currency !== product.currency) {
        throw dealsError('DEAL_ITEM_CURRENCY', 'productId');
      }
      await this.itemsRepo.insert(m, id, { productId: product.id, quantity: req.quantity, unitPrice: product.price });
    });
    return this.itemsDto(id, amount);
  }

  async changeItem(viewer: UserDto, id: string, itemId: string, quantity: number): Promise<DealItemsDto> {
    await this.row(viewer, id);
    const amount = await this.itemsRepo.changeItems(id, async (m) => {
      if (!(await this.itemsRepo.setQuantity(m, id, itemId, quantity))) throw dealsError('DEAL_ITEM_NOT_FOUND');
    });
    return this.itemsDto(id, amount);
  }

  async removeItem(viewer: UserDto, id: string, itemId: string): Promise<DealItemsDto> {
    await this.row(viewer, id);
    const amount = await this.itemsRepo.changeItems(id, async (m) => {
      if (!(await this.itemsRepo.remove(m, id, itemId))) throw dealsError('DEAL_ITEM_NOT_FOUND');
    });
    return this.itemsDto(id, amount);
  }

  private async itemsDto(id: string, amount: DealAmount): Promise<DealItemsDto> {
    const rows = await this.itemsRepo.list(id);
    const products = await this.products().byIds(rows.map((r) => r.product_id));
    return {
      items: rows.map((r) => ({
        id: r.id,
        productId: r.product_id,
        name: products.get(r.product_id)?.name ?? '',
        sku: products.get(r.product_id)?.sku ?? '',
        quantity: r.quantity,
        unitPrice: r.unit_price,
        total: r.total,
      })),
      ...amount,
    };
  }

  private products(): ProductsService {
    if (!this.deps.products) throw new Error('DealsService was built without products');
    return this.deps.products;
  }

  /** While a deal has items its amount is their sum: a hand-typed amount or currency that differs is refused. */
  private async assertAmountByHand(req: { amount?: string; currency?: string }, current: DealRow): Promise<void> {
    const amountChanges = req.amount !== undefined && Number(req.amount) !== Number(current.amount);
    const currencyChanges = req.currency !== undefined && req.currency !== current.currency.trim();
    if ((amountChanges || currencyChanges) && (await this.itemsRepo.count(current.id)) > 0) {
      throw dealsError('DEAL_AMOUNT_FROM_ITEMS', amountChanges ? 'amount' : 'currency');
    }
  }

  /** Every stage the deal entered, who moved it and when, newest first (the first row: its creation). */
  async history(viewer: UserDto, id: string): Promise<DealStageChangeDto[]> {
    await this.row(viewer, id);
    return (await this.repo.history(id)).map((h) => ({
      id: h.id,
      fromPipelineId: h.from_pipeline_id,
      fromStage: h.from_stage,
      toPipelineId: h.to_pipeline_id,
      toStage: h.to_stage,
      by: h.by_id ? { id: h.by_id, name: h.by_name ?? '' } : null,
      at: h.changed_at.toISOString(),
    }));
  }

  /** `POST /api/deals/:id/reassign`: supervisors, managers and admins give the deal to another active user. */
  async reassign(viewer: UserDto, id: string, userId: string): Promise<DealDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'userId');
    await this.changeOwner(viewer, await this.row(viewer, id), userId, 'userId');
    return this.get(viewer, id);
  }

  private changeOwner(viewer: UserDto, deal: DealRow, ownerId: string | null, field: string): Promise<boolean> {
    return this.reassigner.reassign(
      viewer,
      { entityType: 'deal', entityId: deal.id, name: deal.title, fromUserId: deal.ownerId, toUserId: ownerId, field },
      (m) => this.repo.setOwner(m, deal.id, ownerId),
    );
  }

  private async row(viewer: UserDto, id: string): Promise<DealRow> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw dealsError('DEAL_NOT_FOUND');
    return row;
  }

  private async place(pipelineId: string | undefined, stage: string | undefined): Promise<DealPlace> {
    if (!this.deps.pipelines) throw new Error('DealsService was built without pipelines');
    return this.deps.pipelines.place(pipelineId, stage);
  }

  private async show(): Promise<(stored: CustomValues) => CustomValues> {
    return (await this.deps.fields?.visibility('deal')) ?? NO_CUSTOM;
  }

  /** The contact and company a deal names must be visible to the viewer (unchanged ones are not re-checked). */
  private async assertLinksVisible(
    viewer: UserDto,
    req: { contactId?: string | null; companyId?: string | null },
    current?: DealRow,
    em?: EntityManager,
  ): Promise<void> {
    const hidden = await firstHiddenReference(em ?? this.dataSource, viewer, {
      contactId: reference('contact', req.contactId, current?.contactId),
      companyId: reference('company', req.companyId, current?.companyId),
    });
    if (hidden) throw dealsError('LINKED_ENTITY_NOT_FOUND', hidden);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit.record({
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

export const toDealDto = (r: DealRow, show: (stored: CustomValues) => CustomValues = NO_CUSTOM): DealDto => ({
  id: r.id,
  title: r.title,
  pipelineId: r.pipelineId,
  stage: r.stage,
  amount: r.amount,
  currency: r.currency,
  ownerId: r.ownerId,
  contactId: r.contactId,
  companyId: r.companyId,
  closedAt: r.closedAt?.toISOString() ?? null,
  custom: show(r.custom ?? {}),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
