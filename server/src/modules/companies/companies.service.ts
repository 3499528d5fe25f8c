import { type DataSource } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type CompanyDto,
  type CreateCompanyRequest,
  type UpdateCompanyRequest,
  companyListQuerySchema,
  createCompanyRequestSchema,
  updateCompanyRequestSchema,
} from '@contracts/dto/company';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { ownershipError, type Reassigner } from '@server/modules/ownership/ownership.service';
import { assignsOthers } from '@server/common/access/visibility';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { searchTerms } from '@server/common/search/search-terms';
import { companiesError } from '@server/modules/companies/companies.errors';
import { CompaniesRepository } from '@server/modules/companies/companies.repository';
import { type CustomValues } from '@contracts/dto/custom-field';
import { customFilter, type CustomFieldsService, NO_CUSTOM } from '@server/modules/custom-fields/custom-fields.service';

import { type CompanyRow } from '@server/modules/companies/company.entity';

/** Which rows match a search term is the owner's rule; the global search read model joins them. */
export { companyMatch } from '@server/modules/companies/companies.repository';

export class CompaniesService {
  private readonly repo: CompaniesRepository;

  constructor(
    dataSource: DataSource,
    private readonly defaultCountry: () => string,
    private readonly audit: AuditService,
    private readonly reassigner: Reassigner,
    private readonly fields?: CustomFieldsService,
  ) {
    this.repo = new CompaniesRepository(dataSource);
  }

  /** Purge of a removed custom field: its values leave every company. */
  dropCustomKey(key: string): Promise<number> {
    return this.repo.dropCustomKey(key);
  }

  /** Part of a departing user's handover (users module): their open companies go to `toUserId`; returns how many. */
  reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    return this.repo.reassignOpen(fromUserId, toUserId);
  }

  async list(viewer: UserDto, query: (typeof companyListQuerySchema)['_zod']['input']): Promise<Page<CompanyDto>> {
    const q = companyListQuerySchema.parse(query);
    const [rows, total] = await this.repo.search(viewer, {
      terms: q.q ? searchTerms(q.q, this.defaultCountry()) : undefined,
      custom: await customFilter(this.fields, 'company', 'co', q),
      sort: q.sort,
      dir: q.dir,
      limit: q.limit,
      offset: q.offset,
    });
    const show = await this.show();
    return { items: rows.map((r) => toCompanyDto(r, show)), total, limit: q.limit, offset: q.offset };
  }

  async get(viewer: UserDto, id: string): Promise<CompanyDto> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw companiesError('COMPANY_NOT_FOUND');
    return toCompanyDto(row, await this.show());
  }

  private async show(): Promise<(stored: CustomValues) => CustomValues> {
    return (await this.fields?.visibility('company')) ?? NO_CUSTOM;
  }

  async create(viewer: UserDto, input: CreateCompanyRequest): Promise<CompanyDto> {
    const req = createCompanyRequestSchema.parse(input);
    const row = await this.repo.insert({
      name: req.name,
      inn: req.inn,
      website: req.website,
      phoneE164: req.phone ? phoneKeys(req.phone, this.defaultCountry()).e164 : null,
      ownerId: assignsOthers(viewer) && req.ownerId !== undefined ? req.ownerId : viewer.id,
      custom: (await this.fields?.apply('company', req.custom, {}, true)) ?? {},
    });
    return toCompanyDto(row, await this.show());
  }

  async update(viewer: UserDto, id: string, input: UpdateCompanyRequest): Promise<CompanyDto> {
    const req = updateCompanyRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    const { phone, ownerId, custom, ...rest } = req;
    const patch: Partial<CompanyRow> = { ...rest };
    if (custom !== undefined && this.fields) {
      const stored = (await this.repo.findVisible(viewer, id))?.custom ?? {};
      patch.custom = await this.fields.apply('company', custom, stored, false);
    }
    if (phone !== undefined) patch.phoneE164 = phone ? phoneKeys(phone, this.defaultCountry()).e164 : null;
    // An operator's ownerId is ignored; anyone else's is a reassignment, audited like the other records'.
    if (ownerId !== undefined && assignsOthers(viewer)) await this.changeOwner(viewer, current, ownerId, 'ownerId');
    await this.repo.update(id, patch);
    return this.get(viewer, id);
  }

  /** `POST /api/companies/:id/reassign`: supervisors, managers and admins give the company to another active user. */
  async reassign(viewer: UserDto, id: string, userId: string): Promise<CompanyDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'userId');
    await this.changeOwner(viewer, await this.get(viewer, id), userId, 'userId');
    return this.get(viewer, id);
  }

  private changeOwner(viewer: UserDto, company: CompanyDto, ownerId: string | null, field: string): Promise<boolean> {
    return this.reassigner.reassign(
      viewer,
      {
        entityType: 'company',
        entityId: company.id,
        name: company.name,
        fromUserId: company.ownerId,
        toUserId: ownerId,
        field,
      },
      (m) => this.repo.setOwner(m, company.id, ownerId),
    );
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(viewer, id);
    await this.repo.remove(id);
    await this.audit.record({
      actorId: viewer.id,
      action: 'company.delete',
      entity: 'company',
      entityId: id,
      details: { before },
    });
  }
}

export const toCompanyDto = (r: CompanyRow, show: (stored: CustomValues) => CustomValues = NO_CUSTOM): CompanyDto => ({
  id: r.id,
  name: r.name,
  inn: r.inn,
  website: r.website,
  phoneE164: r.phoneE164,
  ownerId: r.ownerId,
  custom: show(r.custom ?? {}),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
