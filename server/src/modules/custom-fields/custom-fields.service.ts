import { type DataSource } from 'typeorm';

import {
  type CreateCustomFieldRequest,
  type CustomFieldDto,
  type CustomFieldEntity,
  type CustomValues,
  type UpdateCustomFieldRequest,
  createCustomFieldRequestSchema,
  customFieldListQuerySchema,
  updateCustomFieldRequestSchema,
} from '@contracts/dto/custom-field';
import { type UserDto } from '@contracts/dto/user';
import { AppError, PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { likeContains } from '@server/common/http/like';
import { type AuditService } from '@server/modules/audit/audit.service';

import { customFieldsError } from './custom-fields.errors';
import { CustomFieldsRepository } from './custom-fields.repository';
import { applyCustomValues, fromCell, visibleValues } from './custom-values';

/** The import and export read and write custom values cell by cell, with the same rules as the API. */
export { applyCustomValues, type FieldDefinition, fromCell, toCell } from './custom-values';

/**
 * Keys a custom field may not take: each record type's own columns and the names its exports and imports use, so
 * a custom value can never be mistaken for (or shadow) a built-in one.
 */
export const RESERVED_KEYS: Record<CustomFieldEntity, readonly string[]> = {
  contact: [
    'id',
    'name',
    'email',
    'company',
    'company_id',
    'owner',
    'owner_id',
    'do_not_call',
    'tags',
    'phone',
    'phones',
  ],
  company: ['id', 'name', 'inn', 'website', 'phone', 'phone_e164', 'owner', 'owner_id'],
  lead: [
    'id',
    'source',
    'status',
    'name',
    'phone',
    'phone_raw',
    'phone_e164',
    'owner',
    'owner_id',
    'contact',
    'contact_id',
  ],
  deal: [
    'id',
    'title',
    'stage',
    'pipeline',
    'pipeline_id',
    'amount',
    'currency',
    'owner',
    'owner_id',
    'contact',
    'contact_id',
    'company',
    'company_id',
    'closed_at',
  ],
};
const ALWAYS_RESERVED = ['custom', 'created_at', 'updated_at', 'source_call_id'];

/** A list filter on one custom field, as a query-builder fragment with its own parameters. */
export interface CustomFilter {
  sql: string;
  params: Record<string, unknown>;
}

/** The record modules that store values; purging a removed field goes through each owner. */
export type CustomValueOwners = Record<CustomFieldEntity, (key: string) => Promise<number>>;

/**
 * Admin-defined fields of contacts, companies, leads and deals: the definitions (this module's table) and the
 * checks every record module runs on the values it stores in its own `custom` column.
 */
export class CustomFieldsService {
  private readonly repo: CustomFieldsRepository;

  constructor(
    dataSource: DataSource,
    private readonly country: () => string,
    private readonly deps: { audit?: AuditService; owners?: CustomValueOwners } = {},
  ) {
    this.repo = new CustomFieldsRepository(dataSource);
  }

  list(query: (typeof customFieldListQuerySchema)['_zod']['input']): Promise<CustomFieldDto[]> {
    const q = customFieldListQuerySchema.parse(query);
    return this.repo.list(q.entity, q.includeRemoved === 'true');
  }

  /** The fields in use for a record type, in their order. */
  active(entity: CustomFieldEntity): Promise<CustomFieldDto[]> {
    return this.repo.list(entity, false);
  }

  async create(actor: UserDto, input: CreateCustomFieldRequest): Promise<CustomFieldDto> {
    const req = createCustomFieldRequestSchema.parse(input);
    if (RESERVED_KEYS[req.entity].includes(req.key) || ALWAYS_RESERVED.includes(req.key)) {
      throw customFieldsError('CUSTOM_FIELD_KEY_RESERVED');
    }
    let id: string;
    try {
      id = await this.repo.insert(req);
    } catch (err) {
      if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw customFieldsError('CUSTOM_FIELD_KEY_TAKEN');
      throw err;
    }
    const field = await this.get(id);
    await this.record(actor, 'custom-field.create', field, { field });
    return field;
  }

  async update(actor: UserDto, id: string, input: UpdateCustomFieldRequest): Promise<CustomFieldDto> {
    const req = updateCustomFieldRequestSchema.parse(input);
    const before = await this.get(id);
    if (req.options && (before.type === 'select' || before.type === 'multiselect') === (req.options.length === 0)) {
      throw new AppError('VALIDATION_FAILED', 400, 'Invalid options', {
        details: [{ field: 'options', message: 'select fields need options; other types take none' }],
      });
    }
    await this.repo.update(id, req);
    const after = await this.get(id);
    await this.record(actor, 'custom-field.update', after, { before, after });
    return after;
  }

  /** Hides the field everywhere; its values stay stored until `purge`, and `restore` brings them back. */
  async remove(actor: UserDto, id: string): Promise<CustomFieldDto> {
    const field = await this.get(id);
    await this.repo.setRemoved(id, true);
    await this.record(actor, 'custom-field.remove', field, {});
    return this.get(id);
  }

  async restore(actor: UserDto, id: string): Promise<CustomFieldDto> {
    const field = await this.get(id);
    await this.repo.setRemoved(id, false);
    await this.record(actor, 'custom-field.restore', field, {});
    return this.get(id);
  }

  /** Deletes a removed field's values from every record (through their owner), then the definition. */
  async purge(actor: UserDto, id: string): Promise<{ purged: number }> {
    const field = await this.get(id);
    if (!field.removedAt) throw customFieldsError('CONFLICT');
    if (!this.deps.owners) throw new Error('CustomFieldsService was built without the record owners');
    const purged = await this.deps.owners[field.entity](field.key);
    await this.repo.delete(id);
    await this.record(actor, 'custom-field.purge', field, { purged });
    return { purged };
  }

  /**
   * What a record of `entity` stores after a create (`current` empty) or an update: the body's values checked
   * against the definitions and merged in. 400 VALIDATION_FAILED naming `custom.<key>` for each bad value.
   */
  async apply(
    entity: CustomFieldEntity,
    input: CustomValues | undefined,
    current: CustomValues,
    creating: boolean,
  ): Promise<CustomValues> {
    const defs = await this.active(entity);
    const { stored, issues } = applyCustomValues(defs, input, current, { creating, country: this.country() });
    if (issues.length) {
      throw new AppError('VALIDATION_FAILED', 400, `Invalid ${issues.map((i) => i.field).join(', ')}`, {
        details: issues,
      });
    }
    return stored;
  }

  /** Returns the function that keeps only the active fields' values of a stored object (for the DTOs). */
  async visibility(entity: CustomFieldEntity): Promise<(stored: CustomValues) => CustomValues> {
    const defs = await this.active(entity);
    return (stored) => visibleValues(defs, stored);
  }

  /** Spreadsheet cells (import) as values of the active fields, by key. */
  async fromCells(entity: CustomFieldEntity, cells: Record<string, string>): Promise<CustomValues> {
    const defs = new Map((await this.active(entity)).map((d) => [d.key, d]));
    const out: CustomValues = {};
    for (const [key, cell] of Object.entries(cells)) {
      const def = defs.get(key);
      const value = def ? fromCell(def, cell) : cell;
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /**
   * `alias.custom` filtered by one field: text-like fields contain the value (case-insensitive), the others equal
   * it (a multi-select contains it). An unknown key → 400 naming `cfKey`.
   */
  async filter(entity: CustomFieldEntity, alias: string, key: string, value: string): Promise<CustomFilter> {
    const def = (await this.active(entity)).find((d) => d.key === key);
    if (!def) {
      throw new AppError('VALIDATION_FAILED', 400, 'Invalid cfKey', {
        details: [{ field: 'cfKey', message: 'no such field' }],
      });
    }
    if (['text', 'phone', 'email', 'url'].includes(def.type)) {
      return { sql: `${alias}.custom ->> :cfKey ILIKE :cfLike`, params: { cfKey: key, cfLike: likeContains(value) } };
    }
    // fromCell reads the text as the field's type (a multi-select's value becomes [value]: contained in the array).
    const typed = fromCell(def, value);
    return { sql: `${alias}.custom @> CAST(:cfJson AS jsonb)`, params: { cfJson: JSON.stringify({ [key]: typed }) } };
  }

  private async get(id: string): Promise<CustomFieldDto> {
    const field = await this.repo.find(id);
    if (!field) throw customFieldsError('CUSTOM_FIELD_NOT_FOUND');
    return field;
  }

  private async record(actor: UserDto, action: string, field: CustomFieldDto, details: Record<string, unknown>) {
    await this.deps.audit?.record({
      actorId: actor.id,
      action,
      entity: 'custom-field',
      entityId: field.id,
      details: { entity: field.entity, key: field.key, ...details },
    });
  }
}

/** Shows no custom values (a service built without custom fields, as in some tests). */
export const NO_CUSTOM = (): CustomValues => ({});

/** A list query's `cfKey`/`cfValue` as a filter on `alias.custom` (both or neither; neither → no filter). */
export async function customFilter(
  fields: CustomFieldsService | undefined,
  entity: CustomFieldEntity,
  alias: string,
  q: { cfKey?: string; cfValue?: string },
): Promise<CustomFilter | undefined> {
  if (q.cfKey === undefined && q.cfValue === undefined) return undefined;
  if (!q.cfKey || !q.cfValue || !fields) {
    throw new AppError('VALIDATION_FAILED', 400, 'Invalid cfKey, cfValue', {
      details: [{ field: q.cfKey ? 'cfValue' : 'cfKey', message: 'give both cfKey and cfValue' }],
    });
  }
  return fields.filter(entity, alias, q.cfKey, q.cfValue);
}
