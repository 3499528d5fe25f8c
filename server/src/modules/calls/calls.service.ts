import { randomUUID } from 'node:crypto';
import { contactColumnRefs, type ContactRefsOwner } from '@server/common/db/contact-refs';

import { type DataSource } from 'typeorm';

import { TelephonyError, type TelephonyProvider } from '@telephony';
import {
  type CallDto,
  type CallListQuery,
  type OriginateRequest,
  type OriginateResponse,
  type WrapUpRequest,
  callListQuerySchema,
  originateRequestSchema,
  rangeEnd,
  rangeStart,
  wrapUpRequestSchema,
} from '@contracts/dto/call';
import { type Page } from '@contracts/dto/common';
import { type UserDto } from '@contracts/dto/user';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type DialPolicyService } from '@server/modules/dial-policy/dial-policy.service';
import { mayListen } from '@server/modules/recordings/recordings.service';
import { type TeamScopeReadModel } from '@server/modules/teams/team-scope.read-model';

import { callsError } from './calls.errors';
import { callParties, CallsRepository, type CallListRow } from './calls.repository';

export class CallsService {
  /** A contact merge moves this module's calls rows between contacts (and back on undo), in its transaction. */
  readonly contactRefs: ContactRefsOwner = contactColumnRefs({ table: 'calls', column: 'contact_id' });
  private readonly repo: CallsRepository;

  constructor(
    dataSource: DataSource,
    private readonly defaultCountry: () => string,
    private readonly audit: AuditService,
    private readonly telephony: TelephonyProvider | null,
    private readonly dialPolicy: Pick<DialPolicyService, 'check'>,
    private readonly teams?: TeamScopeReadModel,
    /** Told the start time of a call whose wrap-up changed (analytics refreshes that call's rollup bin). */
    private readonly onWrapUp?: (startedAt: Date) => void,
  ) {
    this.repo = new CallsRepository(dataSource);
  }

  /**
   * Call history; operators get only the calls that reached them (`reachedByAnySql`: handled, or rang their phone —
   * missed ones too, as their pop card lists them). Recordings only of the calls they handled.
   */
  async list(viewer: UserDto, query: CallListQuery): Promise<Page<CallDto>> {
    const q = callListQuerySchema.parse(query);
    let phones: string[] | undefined;
    if (q.phone) {
      const keys = phoneKeys(q.phone, this.defaultCountry());
      // +7 numbers: the last ten digits identify the number whatever prefix was typed (8…, 7…, bare 10 digits).
      phones = [...new Set([keys.e164, keys.last10 ? `+7${keys.last10}` : null].filter((p) => p !== null))];
      if (phones.length === 0) {
        throw callsError('VALIDATION_FAILED', [{ field: 'phone', message: 'not a phone number' }]);
      }
    }
    const [rows, total] = await this.repo.list(
      {
        phones,
        from: q.from ? rangeStart(q.from) : undefined,
        to: q.to ? rangeEnd(q.to) : undefined,
        direction: q.direction,
        disposition: q.disposition,
        // Operators are already limited to their own calls; the filter is for supervisors and up.
        operatorId: viewer.role !== 'operator' ? q.operatorId : undefined,
        handledByAnyOf: q.teamId && this.teams ? await this.teams.filterFor(viewer, q.teamId) : undefined,
        onlyInScope: !seesAll(viewer),
        limit: q.limit,
        offset: q.offset,
      },
      scopeIds(viewer),
    );
    return { items: rows.map((r) => toCallDto(r, viewer)), total, limit: q.limit, offset: q.offset };
  }

  /** 404 (not 403) for an operator the call did not reach, so call ids cannot be probed. */
  async get(viewer: UserDto, id: string): Promise<CallDto> {
    const row = await this.repo.findOne(id, scopeIds(viewer));
    if (!row || (!seesAll(viewer) && !row.reached)) throw callsError('CALL_NOT_FOUND');
    return toCallDto(row, viewer);
  }

  /**
   * The operator's disposition; may be set during or after the call and corrected later (last write wins). Only by
   * those who handled the call (a phone that merely rang has nothing to wrap up): 404 for the others.
   */
  async wrapUp(viewer: UserDto, id: string, input: WrapUpRequest): Promise<CallDto> {
    const req = wrapUpRequestSchema.parse(input);
    const row = await this.repo.findOne(id, scopeIds(viewer));
    if (!row || (!seesAll(viewer) && !row.on_call)) throw callsError('CALL_NOT_FOUND');
    await this.repo.setWrapUp(id, req.outcome, req.note, viewer.id);
    this.onWrapUp?.(row.started_at);
    return this.get(viewer, id);
  }

  /**
   * Click-to-call: the PBX rings the user's own phone and, once it is answered, dials the destination. Resolves when
   * the user's phone has answered (the AMI OriginateResponse), so a phone left ringing becomes a clear 502. A
   * do-not-call or blocked number is refused first (409 DO_NOT_CALL) unless a supervisor or manager overrides it.
   */
  async originate(viewer: UserDto, input: OriginateRequest): Promise<OriginateResponse> {
    const req = originateRequestSchema.parse(input);
    const { destination, overridden } = await this.dialPolicy.check(viewer, req.destination, req.override, 'originate');
    if (!viewer.extension) throw callsError('NO_EXTENSION');
    if (!this.telephony) throw callsError('TELEPHONY_DISABLED');
    if (!this.telephony.isUp()) throw callsError('TELEPHONY_UNAVAILABLE');
    const requestId = randomUUID();
    await this.audit.record({
      actorId: viewer.id,
      action: 'call.originate',
      entity: 'call',
      entityId: null,
      details: { requestId, destination, extension: viewer.extension, ...(overridden ? { overridden } : {}) },
    });
    try {
      await this.telephony.originate({ agentExtension: viewer.extension, destination, requestId });
    } catch (err) {
      if (err instanceof TelephonyError && err.code === 'PBX_UNREACHABLE') {
        throw callsError('TELEPHONY_UNAVAILABLE', undefined, err);
      }
      throw callsError('ORIGINATE_FAILED', { reason: err instanceof Error ? err.message : String(err) }, err);
    }
    return { requestId, destination };
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toCallDto(r: CallListRow, viewer: Viewer): CallDto {
  const listens = mayListen(viewer, r.on_call);
  return {
    ...callParties(r),
    status: r.status,
    operatorId: r.operator_id,
    endedAt: iso(r.ended_at),
    waitSeconds: r.wait_seconds,
    talkSeconds: r.talk_seconds,
    holdSeconds: r.hold_seconds,
    disposition: r.disposition,
    hangupCause: r.hangup_cause,
    contactId: r.contact_id,
    leadId: r.lead_id,
    wrapUp: r.wrap_up_outcome
      ? { outcome: r.wrap_up_outcome, note: r.wrap_up_note, byUserId: r.wrap_up_by, at: iso(r.wrap_up_at)! }
      : null,
    recordingUrl: r.recording_id && listens ? `/api/recordings/${r.recording_id}` : null,
  };
}
