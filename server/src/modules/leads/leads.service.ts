import { type DataSource } from 'typeorm';
import { contactColumnRefs, type ContactRefsOwner } from '@server/common/db/contact-refs';

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
import { type LeadUtm } from '@contracts/dto/web-form';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type CustomValues } from '@contracts/dto/custom-field';
import { customFilter, type CustomFieldsService, NO_CUSTOM } from '@server/modules/custom-fields/custom-fields.service';

import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { assignsOthers } from '@server/common/access/visibility';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { searchTerms } from '@server/common/search/search-terms';
import { type LeadRow } from '@server/modules/leads/lead.entity';
import { leadsError } from '@server/modules/leads/leads.errors';
import { LeadsRepository, OPEN_LEAD_INDEX } from '@server/modules/leads/leads.repository';
import { ownershipError, type Reassigner } from '@server/modules/ownership/ownership.service';
import { type DomainEventSink, NO_DOMAIN_EVENTS } from '@server/common/events/domain-events';

/** Which rows match a search term is the owner's rule; the global search read model joins them. */
export { leadMatch } from '@server/modules/leads/leads.repository';

export interface EnsuredLead {
  lead: LeadDto;
  /** True when this very request inserted it; false when an open lead for the number already existed. */
  created: boolean;
  /** The call that created the lead, whenever it was (a node taking a call over learns it created the lead). */
  sourceCallId: string | null;
}

export class LeadsService {
  /** A contact merge moves this module's leads rows between contacts (and back on undo), in its transaction. */
  readonly contactRefs: ContactRefsOwner = contactColumnRefs({ table: 'leads', column: 'contact_id' });
  private readonly repo: LeadsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly defaultCountry: () => string,
    private readonly audit: AuditService,
    private readonly reassigner: Reassigner,
    private readonly fields?: CustomFieldsService,
    /** `lead.created` and `lead.converted` for webhooks (leads born of calls: the webhooks call reaction). */
    private readonly events: DomainEventSink = NO_DOMAIN_EVENTS,
  ) {
    this.repo = new LeadsRepository(dataSource);
  }

  /** Purge of a removed custom field: its values leave every lead. */
  dropCustomKey(key: string): Promise<number> {
    return this.repo.dropCustomKey(key);
  }

  private async show(): Promise<(stored: CustomValues) => CustomValues> {
    return (await this.fields?.visibility('lead')) ?? NO_CUSTOM;
  }

  /** Part of a departing user's handover (users module): their open leads go to `toUserId`; returns how many. */
  reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    return this.repo.reassignOpen(fromUserId, toUserId);
  }

  async list(viewer: UserDto, query: (typeof leadListQuerySchema)['_zod']['input']): Promise<Page<LeadDto>> {
    const q = leadListQuerySchema.parse(query);
    let phones: string[] | undefined;
    if (q.phone) {
      const keys = phoneKeys(q.phone, this.defaultCountry());
      // +7 numbers: the last ten digits identify the number whatever prefix was typed.
      phones = [...new Set([keys.e164, keys.last10 ? `+7${keys.last10}` : null].filter((p) => p !== null))];
      if (phones.length === 0) {
        throw leadsError('VALIDATION_FAILED', [{ field: 'phone', message: 'not a phone number' }]);
      }
    }
    const [rows, total] = await this.repo.search(viewer, {
      phones,
      terms: q.q ? searchTerms(q.q, this.defaultCountry()) : undefined,
      status: q.status,
      custom: await customFilter(this.fields, 'lead', 'l', q),
      sort: q.sort,
      dir: q.dir,
      limit: q.limit,
      offset: q.offset,
    });
    const show = await this.show();
    return { items: rows.map((r) => toLeadDto(r, show)), total, limit: q.limit, offset: q.offset };
  }

  async get(viewer: UserDto, id: string): Promise<LeadDto> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw leadsError('LEAD_NOT_FOUND');
    return toLeadDto(row, await this.show());
  }

  /** Manual creation; a second open lead for the same number is refused by the database (409). */
  async create(viewer: UserDto, input: CreateLeadRequest): Promise<LeadDto> {
    const req = createLeadRequestSchema.parse(input);
    const e164 = req.phone ? phoneKeys(req.phone, this.defaultCountry()).e164 : null;
    if (req.phone && !e164) {
      throw leadsError('VALIDATION_FAILED', [{ field: 'phone', message: 'not a valid phone number' }]);
    }
    const custom = (await this.fields?.apply('lead', req.custom, {}, true)) ?? {};
    try {
      const row = await this.repo.insert({
        source: req.source,
        status: 'new',
        name: req.name,
        phoneRaw: req.phone,
        phoneE164: e164,
        ownerId: assignsOthers(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id,
        contactId: null,
        dealId: null,
        convertedAt: null,
        sourceCallId: null,
        formId: null,
        utm: null,
        custom,
      });
      const lead = toLeadDto(row, await this.show());
      await this.events.publish({
        type: 'lead.created',
        key: lead.id,
        occurredAt: row.createdAt,
        data: { lead },
        actorId: viewer.id,
      });
      return lead;
    } catch (err) {
      throw await this.translate(viewer, err, e164);
    }
  }

  /** Any lead by id, whoever may see it: for webhooks and other system work, never for a user's request. */
  async findById(id: string): Promise<LeadDto | null> {
    const row = await this.repo.findById(id);
    return row ? toLeadDto(row, await this.show()) : null;
  }

  /**
   * For the call pipeline: the open lead for an unknown caller, created exactly once per number even when several
   * calls from it arrive at the same moment (the partial unique index decides), remembering which call created it.
   */
  async ensureOpenLeadForCall(phoneRaw: string, callId: string | null = null): Promise<EnsuredLead | null> {
    const e164 = phoneKeys(phoneRaw, this.defaultCountry()).e164;
    if (!e164) return null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.repo.insertIfNoOpen({
        source: 'call',
        status: 'new',
        name: null,
        phoneRaw,
        phoneE164: e164,
        ownerId: null,
        contactId: null,
        dealId: null,
        convertedAt: null,
        sourceCallId: callId,
        formId: null,
        utm: null,
      });
      if (inserted) return { lead: toLeadDto(inserted), created: true, sourceCallId: inserted.sourceCallId };
      const existing = await this.repo.findOpenByPhone(e164);
      // Null only if the open lead was closed between the two statements; then insert again.
      if (existing) return { lead: toLeadDto(existing), created: false, sourceCallId: existing.sourceCallId };
    }
    throw new Error(`could not settle the open lead for ${e164}`);
  }

  /**
   * For website forms: the number's one open lead, made now (source `web`, with the form and the UTM tags) unless
   * one is open already — the same exactly-once rule as calls, decided by the same partial unique index.
   */
  async ensureOpenLeadForForm(f: {
    phoneRaw: string;
    e164: string;
    name: string | null;
    formId: string;
    utm: LeadUtm | null;
  }): Promise<{ lead: LeadDto; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.repo.insertIfNoOpen({
        source: 'web',
        status: 'new',
        name: f.name,
        phoneRaw: f.phoneRaw,
        phoneE164: f.e164,
        ownerId: null,
        contactId: null,
        dealId: null,
        convertedAt: null,
        sourceCallId: null,
        formId: f.formId,
        utm: f.utm,
        custom: {},
      });
      if (inserted) {
        const lead = toLeadDto(inserted, await this.show());
        const data = { lead, formId: f.formId };
        await this.events.publish({ type: 'lead.created', key: lead.id, occurredAt: inserted.createdAt, data });
        return { lead, created: true };
      }
      const existing = await this.repo.findOpenByPhone(f.e164);
      if (existing) return { lead: toLeadDto(existing, await this.show()), created: false };
    }
    throw new Error(`could not settle the open lead for ${f.e164}`);
  }

  /** Gives an unowned lead its owner; never replaces an owner someone set. True when it did. */
  async giveOwnerIfNone(leadId: string, ownerId: string): Promise<boolean> {
    return this.repo.setOwnerIfNone(leadId, ownerId);
  }

  async update(viewer: UserDto, id: string, input: UpdateLeadRequest): Promise<LeadDto> {
    const req = updateLeadRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    const hidden = await firstHiddenReference(this.dataSource, viewer, {
      contactId: reference('contact', req.contactId, current.contactId),
    });
    if (hidden) throw leadsError('LINKED_ENTITY_NOT_FOUND', { field: hidden });
    const { ownerId, custom, ...rest } = req;
    const patch: Partial<LeadRow> = { ...rest };
    if (custom !== undefined && this.fields) {
      const stored = (await this.repo.findVisible(viewer, id))?.custom ?? {};
      patch.custom = await this.fields.apply('lead', custom, stored, false);
    }
    // An operator's ownerId is ignored (they stay the owner); anyone else's is a reassignment, audited.
    if (ownerId !== undefined && assignsOthers(viewer)) await this.changeOwner(viewer, current, ownerId, 'ownerId');
    try {
      if (Object.keys(patch).length) await this.repo.update(id, patch);
    } catch (err) {
      throw await this.translate(viewer, err, current.phoneE164);
    }
    const lead = await this.get(viewer, id);
    if (lead.status === 'converted' && current.status !== 'converted') {
      await this.events.publish({
        type: 'lead.converted',
        key: `${id}:${lead.updatedAt}`,
        occurredAt: new Date(lead.updatedAt),
        data: { lead },
      });
    }
    return lead;
  }

  /** `POST /api/leads/:id/reassign`: supervisors, managers and admins give the lead to another active user. */
  async reassign(viewer: UserDto, id: string, userId: string): Promise<LeadDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'userId');
    await this.changeOwner(viewer, await this.get(viewer, id), userId, 'userId');
    return this.get(viewer, id);
  }

  private changeOwner(viewer: UserDto, lead: LeadDto, ownerId: string | null, field: string): Promise<boolean> {
    return this.reassigner.reassign(
      viewer,
      {
        entityType: 'lead',
        entityId: lead.id,
        name: lead.name ?? lead.phoneE164 ?? lead.phoneRaw ?? '',
        fromUserId: lead.ownerId,
        toUserId: ownerId,
        field,
      },
      (m) => this.repo.setOwner(m, lead.id, ownerId),
    );
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit.record({
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

export const toLeadDto = (r: LeadRow, show: (stored: CustomValues) => CustomValues = NO_CUSTOM): LeadDto => ({
  id: r.id,
  source: r.source,
  status: r.status,
  name: r.name,
  phoneRaw: r.phoneRaw,
  phoneE164: r.phoneE164,
  ownerId: r.ownerId,
  contactId: r.contactId,
  formId: r.formId,
  utm: r.utm,
  custom: show(r.custom ?? {}),
  dealId: r.dealId,
  convertedAt: r.convertedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
