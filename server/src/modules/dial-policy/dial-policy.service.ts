import { type DataSource } from 'typeorm';

import { type Page } from '@contracts/dto/common';
import {
  type BlockedNumberDto,
  type BlockedNumberListQuery,
  type CreateBlockedNumberRequest,
  type DialCheckResponse,
  type DialOverride,
  type DoNotCallDetails,
  type DoNotCallReason,
  type UpdateBlockedNumberRequest,
  blockedNumberListQuerySchema,
  createBlockedNumberRequestSchema,
  dialOverrideSchema,
  updateBlockedNumberRequestSchema,
} from '@contracts/dto/dial-policy';
import { type Role, type UserDto } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';
import { dialDestination } from '@server/common/phone/dial-destination';
import { phoneKeys, type PhoneKeys } from '@server/common/phone/phone-keys';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type ContactsService } from '@server/modules/contacts/contacts.service';

import { dialPolicyError } from './dial-policy.errors';
import { type BlockedNumberRow, DialPolicyRepository, type NumberKeys } from './dial-policy.repository';

/** Who may call a do-not-call or blocked number anyway (with a reason, audited). */
const OVERRIDERS: readonly Role[] = ['supervisor', 'manager'];
/** How long an override lets the PBX place the call: the desk phone rings first, so allow for that. */
export const OVERRIDE_TTL_SECONDS = 120;
const ENDPOINT = /^(\d{2,6})(?:-web)?$/;

export type PbxVerdict = 'allow' | 'block';

export interface DialPolicyDeps {
  dataSource: DataSource;
  /** Read when used: the company setting may change on any node. */
  defaultCountry: () => string;
  audit: AuditService;
  contacts: Pick<ContactsService, 'findByPhone'>;
  logger: Logger;
}

/**
 * Do-not-call enforced. A number may not be dialled when a contact having it is marked do-not-call, or when it is
 * on the blocked list (which also makes the PBX reject it as a caller). Every way out asks here first: click-to-call
 * (`CallsService.originate`), the softphone (`POST /api/calls/dial-check`) and the PBX's dialplan
 * (`GET /api/routing/dial-policy`), so a phone that dials by itself is refused too. Supervisors and managers may
 * override with a reason: audited, and granted to the PBX once, for their own extension and that number, for
 * `OVERRIDE_TTL_SECONDS`.
 */
export class DialPolicyService {
  private readonly repo: DialPolicyRepository;

  constructor(private readonly deps: DialPolicyDeps) {
    this.repo = new DialPolicyRepository(deps.dataSource);
  }

  async list(query: BlockedNumberListQuery): Promise<Page<BlockedNumberDto>> {
    const q = blockedNumberListQuerySchema.parse(query);
    const keys = q.q ? phoneKeys(q.q, this.deps.defaultCountry()) : undefined;
    const [rows, total] = await this.repo.list({ text: q.q || undefined, keys, limit: q.limit, offset: q.offset });
    return { items: rows.map(toDto), total, limit: q.limit, offset: q.offset };
  }

  async create(viewer: UserDto, input: CreateBlockedNumberRequest): Promise<BlockedNumberDto> {
    const req = createBlockedNumberRequestSchema.parse(input);
    const keys = this.numberKeys(req.phone, 'phone');
    const id = await this.repo.insert({ phoneRaw: req.phone, keys, reason: req.reason, createdBy: viewer.id });
    if (!id) throw dialPolicyError('BLOCKED_NUMBER_EXISTS', { e164: keys.e164 });
    await this.deps.audit.record({
      actorId: viewer.id,
      action: 'blocked-number.create',
      entity: 'blocked-number',
      entityId: id,
      details: { e164: keys.e164, reason: req.reason },
    });
    return this.get(id);
  }

  async update(viewer: UserDto, id: string, input: UpdateBlockedNumberRequest): Promise<BlockedNumberDto> {
    const req = updateBlockedNumberRequestSchema.parse(input);
    const before = await this.get(id);
    if (!(await this.repo.updateReason(id, req.reason))) throw dialPolicyError('BLOCKED_NUMBER_NOT_FOUND');
    await this.deps.audit.record({
      actorId: viewer.id,
      action: 'blocked-number.update',
      entity: 'blocked-number',
      entityId: id,
      details: { e164: before.e164, before: before.reason, after: req.reason },
    });
    return this.get(id);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.get(id);
    if (!(await this.repo.remove(id))) throw dialPolicyError('BLOCKED_NUMBER_NOT_FOUND');
    await this.deps.audit.record({
      actorId: viewer.id,
      action: 'blocked-number.delete',
      entity: 'blocked-number',
      entityId: id,
      details: { before },
    });
  }

  /**
   * Whether `viewer` may dial `raw` now: the destination to dial (E.164, or the extension as typed), or 409
   * DO_NOT_CALL. With `override`, a supervisor or manager gets through (audited; the PBX is told for their
   * extension), anyone else 403. `via` names the path in the audit record.
   */
  async check(
    viewer: UserDto,
    raw: string,
    override: DialOverride | undefined,
    via: 'softphone' | 'originate',
  ): Promise<DialCheckResponse> {
    const destination = dialDestination(raw, this.deps.defaultCountry());
    if (!destination) {
      throw dialPolicyError('VALIDATION_FAILED', [
        { field: 'destination', message: 'not a phone number or an extension' },
      ]);
    }
    if (destination.kind === 'extension') return { destination: destination.extension, overridden: false };
    const reason = await this.refusal(destination, 'outbound');
    if (!reason) return { destination: destination.e164, overridden: false };
    const overridable = OVERRIDERS.includes(viewer.role);
    if (!override) throw dialPolicyError('DO_NOT_CALL', { reason, overridable } satisfies DoNotCallDetails);
    if (!overridable) throw dialPolicyError('DO_NOT_CALL_OVERRIDE_FORBIDDEN', { reason });
    const { reason: why } = dialOverrideSchema.parse(override);
    if (viewer.extension) {
      await this.repo.grantOverride({
        userId: viewer.id,
        extension: viewer.extension,
        e164: destination.e164,
        reason: why,
        ttlSeconds: OVERRIDE_TTL_SECONDS,
      });
    }
    await this.deps.audit.record({
      actorId: viewer.id,
      action: 'call.do-not-call.override',
      entity: 'call',
      entityId: null,
      details: { destination: destination.e164, refusal: reason, reason: why, via, extension: viewer.extension },
    });
    return { destination: destination.e164, overridden: true };
  }

  /**
   * The PBX's question, fail-safe for the caller: `block` only for a number that is certainly refused. Inbound, the
   * blocked list decides (a do-not-call client may still call us). Outbound, do-not-call too, unless the calling
   * extension holds a live override for the number, which this uses up.
   */
  async pbxVerdict(query: { direction: 'inbound' | 'outbound'; phone: string; ext: string }): Promise<PbxVerdict> {
    const phone = query.phone.trim();
    if (!/\d/.test(phone)) return 'allow'; // withheld or empty: nothing to look up
    const keys = phoneKeys(phone, this.deps.defaultCountry());
    if (!keys.e164 && !keys.last10) return 'allow';
    const reason = await this.refusal(keys, query.direction);
    if (!reason) return 'allow';
    const extension = ENDPOINT.exec(query.ext.trim())?.[1];
    if (query.direction === 'outbound' && keys.e164 && extension) {
      if (await this.repo.consumeOverride(extension, keys.e164)) {
        this.deps.logger.info({ extension, e164: keys.e164 }, 'dial policy: PBX used an override');
        return 'allow';
      }
    }
    this.deps.logger.info({ direction: query.direction, e164: keys.e164, reason }, 'dial policy: PBX told to refuse');
    return 'block';
  }

  /** Why an outbound call to `e164` must not be placed now (the campaign dialer asks before every dial), or null. */
  outboundRefusal(e164: string): Promise<DoNotCallReason | null> {
    return this.refusal(phoneKeys(e164, this.deps.defaultCountry()), 'outbound');
  }

  private async refusal(keys: PhoneKeys, direction: 'inbound' | 'outbound'): Promise<DoNotCallReason | null> {
    if (await this.repo.isBlocked(keys)) return 'blocked';
    if (direction === 'inbound' || !keys.e164) return null;
    const contacts = await this.deps.contacts.findByPhone(keys.e164);
    return contacts.some((c) => c.doNotCall) ? 'do-not-call' : null;
  }

  private async get(id: string): Promise<BlockedNumberDto> {
    const row = await this.repo.get(id);
    if (!row) throw dialPolicyError('BLOCKED_NUMBER_NOT_FOUND');
    return toDto(row);
  }

  private numberKeys(raw: string, field: string): NumberKeys {
    const keys = phoneKeys(raw, this.deps.defaultCountry());
    if (!keys.e164) throw dialPolicyError('VALIDATION_FAILED', [{ field, message: 'not a valid phone number' }]);
    return { ...keys, e164: keys.e164 };
  }
}

function toDto(r: BlockedNumberRow): BlockedNumberDto {
  return {
    id: r.id,
    phoneRaw: r.phone_raw,
    e164: r.e164,
    reason: r.reason,
    createdBy: r.created_by ? { id: r.created_by, name: r.created_by_name ?? '' } : null,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
