import { type DataSource, type EntityManager } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type CreateLeadRequest,
  type LeadDto,
  type UpdateLeadRequest,
  createLeadRequestSchema,
  leadListQuerySchema,
  updateLeadRequestSchema,
} from '@contracts/dto/lead';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { seesAll } from '@server/common/access/visibility';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { type LeadRow } from '@server/modules/leads/lead.entity';
import { leadsError } from '@server/modules/leads/leads.errors';
import { LeadsRepository, OPEN_LEAD_INDEX } from '@server/modules/leads/leads.repository';

export interface EnsuredLead {
  lead: LeadDto;
  /** True when this call created it; false when an open lead for the number already existed. */
  created: boolean;
}

export class LeadsService {
  private readonly repo: LeadsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly defaultCountry: string,
    private readonly audit?: AuditService,
  ) {
    this.repo = new LeadsRepository(dataSource);
  }

  async list(viewer: UserDto, query: (typeof leadListQuerySchema)['_zod']['input']): Promise<Page<LeadDto>> {
    const q = leadListQuerySchema.parse(query);
    let phones: string[] | undefined;
    if (q.phone) {
      const keys = phoneKeys(q.phone, this.defaultCountry);
      // +7 numbers: the last ten digits identify the number whatever prefix was typed.
      phones = [...new Set([keys.e164, keys.last10 ? `+7${keys.last10}` : null].filter((p) => p !== null))];
      if (phones.length === 0) {
        throw leadsError('VALIDATION_FAILED', [{ field: 'phone', message: 'not a phone number' }]);
      }
    }
    const [rows, total] = await this.repo.search(viewer, {
      phones,
      text: q.q || undefined,
      e164: q.q ? phoneKeys(q.q, this.defaultCountry).e164 : null,
      status: q.status,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: rows.map(toLeadDto), total, limit: q.limit, offset: q.offset };
  }

  async get(viewer: UserDto, id: string): Promise<LeadDto> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw leadsError('LEAD_NOT_FOUND');
    return toLeadDto(row);
  }

  /** Manual creation; a second open lead for the same number is refused by the database (409). */
  async create(viewer: UserDto, input: CreateLeadRequest): Promise<LeadDto> {
    const req = createLeadRequestSchema.parse(input);
    const e164 = req.phone ? phoneKeys(req.phone, this.defaultCountry).e164 : null;
    if (req.phone && !e164) {
      throw leadsError('VALIDATION_FAILED', [{ field: 'phone', message: 'not a valid phone number' }]);
    }
    try {
      const row = await this.repo.insert({
        source: req.source,
        status: 'new',
        name: req.name,
        phoneRaw: req.phone,
        phoneE164: e164,
        ownerId: seesAll(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id,
        contactId: null,
      });
      return toLeadDto(row);
    } catch (err) {
      throw await this.translate(viewer, err, e164);
    }
  }

  /**
   * For the call pipeline: the open lead for an unknown caller, created exactly once per number
   * even when several calls from it arrive at the same moment (the partial unique index decides).
   */
  /** Pass `em` when calling from inside a transaction: the lead is then settled on that transaction's connection. */
  async ensureOpenLeadForCall(
    phoneRaw: string,
    ownerId: string | null = null,
    em?: EntityManager,
  ): Promise<EnsuredLead | null> {
    const e164 = phoneKeys(phoneRaw, this.defaultCountry).e164;
    if (!e164) return null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.repo.insertIfNoOpen(
        { source: 'call', status: 'new', name: null, phoneRaw, phoneE164: e164, ownerId, contactId: null },
        em,
      );
      if (inserted) return { lead: toLeadDto(inserted), created: true };
      const existing = await this.repo.findOpenByPhone(e164, em);
      // Null only if the open lead was closed between the two statements; then insert again.
      if (existing) return { lead: toLeadDto(existing), created: false };
    }
    throw new Error(`could not settle the open lead for ${e164}`);
  }

  async update(viewer: UserDto, id: string, input: UpdateLeadRequest): Promise<LeadDto> {
    const req = updateLeadRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    const hidden = await firstHiddenReference(this.dataSource, viewer, {
      contactId: reference('contact', req.contactId, current.contactId),
    });
    if (hidden) throw leadsError('LINKED_ENTITY_NOT_FOUND', { field: hidden });
    const { ownerId, ...rest } = req;
    const patch: Partial<LeadRow> = { ...rest };
    if (ownerId !== undefined && seesAll(viewer)) patch.ownerId = ownerId;
    try {
      await this.repo.update(id, patch);
    } catch (err) {
      throw await this.translate(viewer, err, current.phoneE164);
    }
    return this.get(viewer, id);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit?.record({
      actorId: viewer.id,
      action: 'lead.delete',
      entity: 'lead',
      entityId: id,
      details: { before },
    });
  }

  /**
   * The open lead that holds the number is named only when the viewer may see it; otherwise the answer says that
   * one exists and no more (no id, name or owner).
   */
  private async translate(viewer: UserDto, err: unknown, e164: string | null): Promise<unknown> {
    if (pgErrorCode(err) !== PG_UNIQUE_VIOLATION || pgConstraint(err) !== OPEN_LEAD_INDEX) return err;
    const open = e164 ? await this.repo.findOpenByPhone(e164) : null;
    const visible = open ? await this.repo.findVisible(viewer, open.id) : null;
    return leadsError(
      'LEAD_ALREADY_OPEN',
      visible ? { phoneE164: e164, visible: true, leadId: visible.id } : { phoneE164: e164, visible: false },
    );
  }
}

export const toLeadDto = (r: LeadRow): LeadDto => ({
  id: r.id,
  source: r.source,
  status: r.status,
  name: r.name,
  phoneRaw: r.phoneRaw,
  phoneE164: r.phoneE164,
  ownerId: r.ownerId,
  contactId: r.contactId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
