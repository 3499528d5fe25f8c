import {
  type BuildListRequest,
  type BuildListResponse,
  type CampaignAction,
  type CampaignDto,
  type CampaignProgressDto,
  type CampaignRecordDto,
  type CampaignRecordsQuery,
  type CampaignStatsDto,
  type CampaignStatus,
  type CreateCampaignRequest,
  type ImportListResponse,
  type PreviewOfferDto,
  type UpdateCampaignRequest,
  CAMPAIGN_ATTEMPT_OUTCOMES,
  CAMPAIGN_RECORD_STATES,
  buildListRequestSchema,
  campaignRecordsQuerySchema,
  createCampaignRequestSchema,
  updateCampaignRequestSchema,
} from '@contracts/dto/campaign';
import { type Page } from '@contracts/dto/common';
import { importMappingSchema } from '@contracts/dto/import';
import { type UserDto } from '@contracts/dto/user';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { type AuditService } from '@server/modules/audit/audit.service';
import { checkRow, markDuplicates, readSheet, report, suggestMapping } from '@server/modules/imports/imports.service';

import { type CampaignDialer } from './campaign-dialer';
import { type CampaignSourcesReadModel } from './campaign-sources.read-model';
import { type CampaignStatsReadModel } from './campaign-stats.read-model';
import { campaignsError } from './campaigns.errors';
import {
  COUNTED_OUTCOMES,
  type CampaignRow,
  type CampaignWrite,
  type CampaignsRepository,
  type NewRecord,
  type RecordRow,
} from './campaigns.repository';
import { afterDisposition } from './dial-rules';

export interface CampaignsServiceDeps {
  repo: CampaignsRepository;
  sources: CampaignSourcesReadModel;
  stats: CampaignStatsReadModel;
  dialer: CampaignDialer;
  audit: AuditService;
  /** CAMPAIGN_CALLER_IDS: the caller IDs the trunk allows; empty → any E.164 number. */
  callerIds: readonly string[];
  defaultCountry: () => string;
}

const TRANSITIONS: Record<CampaignAction, { from: CampaignStatus[]; to: CampaignStatus }> = {
  start: { from: ['draft', 'paused', 'stopped'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  stop: { from: ['running', 'paused'], to: 'stopped' },
};
/** A skipped preview record comes back this much later. */
const SKIP_MINUTES = 10;

/** Campaigns: their settings, call lists, run state, preview offers, dispositions and figures. */
export class CampaignsService {
  constructor(private readonly deps: CampaignsServiceDeps) {}

  async list(): Promise<CampaignDto[]> {
    return (await this.deps.repo.list()).map(toDto);
  }

  async get(id: string): Promise<CampaignDto> {
    return toDto(await this.find(id));
  }

  async create(viewer: UserDto, input: CreateCampaignRequest): Promise<CampaignDto> {
    const req = createCampaignRequestSchema.parse(input);
    this.checkCallerId(req.callerId);
    checkCustomerFirst(req.ratio, req.queue);
    await this.checkOperators(req.operatorIds);
    const id = await this.unique(() =>
      this.deps.repo.insert(
        {
          name: req.name,
          mode: req.mode,
          queue: req.queue,
          caller_id: req.callerId,
          ratio: req.ratio,
          abandon_cap_percent: req.abandonCapPercent,
          abandon_window_minutes: req.abandonWindowMinutes,
          schedule: req.schedule,
          call_window: req.callWindow,
          retry_rules: req.retryRules,
          closing_dispositions: req.closingDispositions,
          dispositions: req.dispositions,
          script: req.script,
        },
        req.operatorIds,
        viewer.id,
      ),
    );
    await this.audit(viewer, 'campaign.create', id, { name: req.name, mode: req.mode });
    return this.get(id);
  }

  async update(viewer: UserDto, id: string, input: UpdateCampaignRequest): Promise<CampaignDto> {
    const req = updateCampaignRequestSchema.parse(input);
    const before = await this.find(id);
    if (before.status === 'running') throw campaignsError('CAMPAIGN_NOT_EDITABLE');
    if (req.callerId !== undefined) this.checkCallerId(req.callerId);
    if (req.operatorIds !== undefined) await this.checkOperators(req.operatorIds);
    checkCustomerFirst(req.ratio ?? Number(before.ratio), req.queue === undefined ? before.queue : req.queue);
    const dispositions = req.dispositions ?? before.dispositions;
    const closing = req.closingDispositions ?? before.closing_dispositions;
    if (!closing.every((d) => dispositions.includes(d))) {
      throw campaignsError('CAMPAIGN_DISPOSITION_UNKNOWN', { field: 'closingDispositions' });
    }
    const fields: CampaignWrite = {
      name: req.name,
      mode: req.mode,
      queue: req.queue,
      caller_id: req.callerId,
      ratio: req.ratio,
      abandon_cap_percent: req.abandonCapPercent,
      abandon_window_minutes: req.abandonWindowMinutes,
      schedule: req.schedule,
      call_window: req.callWindow,
      retry_rules: req.retryRules,
      closing_dispositions: req.closingDispositions,
      dispositions: req.dispositions,
      script: req.script,
    };
    await this.unique(() => this.deps.repo.update(id, fields, req.operatorIds));
    await this.audit(viewer, 'campaign.update', id, { fields: Object.keys(req) });
    return this.get(id);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    const before = await this.find(id);
    if (before.status === 'running') throw campaignsError('CAMPAIGN_NOT_EDITABLE');
    await this.deps.repo.remove(id);
    await this.audit(viewer, 'campaign.delete', id, { name: before.name });
  }

  /**
   * Start, pause or stop. Pause and stop take effect at once on every node: the dialers read the status in the
   * transaction that claims a record and again right before each Originate. Calls already connected go on.
   */
  async act(viewer: UserDto, id: string, action: CampaignAction): Promise<CampaignDto> {
    const campaign = await this.find(id);
    const { from, to } = TRANSITIONS[action];
    if (action === 'start' && !(await this.deps.repo.hasPending(id))) throw campaignsError('CAMPAIGN_EMPTY');
    if (!(await this.deps.repo.setStatus(id, from, to))) {
      throw campaignsError('CAMPAIGN_BAD_TRANSITION', { status: campaign.status, action });
    }
    await this.audit(viewer, `campaign.${action}`, id, { from: campaign.status });
    return this.get(id);
  }

  /** Adds the numbers of the CRM records the filter selects; numbers already listed are counted as duplicates. */
  async buildList(viewer: UserDto, id: string, input: BuildListRequest): Promise<BuildListResponse> {
    const filter = buildListRequestSchema.parse(input);
    await this.find(id);
    const rows = await this.deps.sources.select(filter);
    const records: NewRecord[] = rows.map((r) => ({
      phone: r.phone_e164,
      name: r.name,
      entityType: r.entity_type,
      entityId: r.entity_id,
      excludedReason: r.refused ? 'do-not-call or blocked when the list was built' : null,
    }));
    const added = await this.deps.repo.addRecords(id, records);
    const excluded = rows.filter((r) => r.refused).length;
    await this.audit(viewer, 'campaign.list.build', id, { filter, added });
    return { added, duplicates: rows.length - added, excluded: Math.min(excluded, added) };
  }

  /**
   * A CSV/XLSX file into the call list, checked row by row like a contacts import (the same parser, limits, row
   * checks and duplicate report): a bad number is a row in the report, a number already on the list or earlier in
   * the file a duplicate. Columns are found by their headers (name/имя, phone/телефон).
   */
  async importList(viewer: UserDto, id: string, fileName: string, data: Buffer): Promise<ImportListResponse> {
    await this.find(id);
    const table = await readSheet(fileName, data);
    const guess = suggestMapping(table.columns);
    if (guess.phone === undefined || guess.name === undefined) {
      throw campaignsError('CAMPAIGN_IMPORT_COLUMNS', { columns: table.columns });
    }
    const mapping = importMappingSchema.parse({ name: guess.name, phone: guess.phone });
    const checked = table.rows.map((row, i) => checkRow(row, i + 2, mapping, this.deps.defaultCountry()));
    const phones = checked.flatMap((r) => r.phones.map((p) => p.e164).filter((p): p is string => p !== null));
    const listed = await this.deps.repo.existingPhones(id, phones);
    const rows = markDuplicates(checked, {
      e164: new Map([...listed].map((p) => [p, true])),
      last10: new Map(),
    });
    const good = rows.filter((r) => r.issues.length === 0);
    const added = await this.deps.repo.addRecords(
      id,
      good.map((r) => ({
        phone: r.phones[0]!.e164!,
        name: r.name,
        entityType: null,
        entityId: null,
        excludedReason: null,
      })),
    );
    const problems = rows
      .filter((r) => r.issues.length > 0)
      .map((r) => report(r, r.issues.some((i) => i.startsWith('duplicate-')) ? 'duplicate' : 'invalid'));
    await this.audit(viewer, 'campaign.list.import', id, { fileName, added });
    return {
      total: rows.length,
      added,
      duplicates: problems.filter((p) => p.status === 'duplicate').length + (good.length - added),
      invalid: problems.filter((p) => p.status === 'invalid').length,
      excluded: 0,
      problems,
    };
  }

  async records(id: string, query: CampaignRecordsQuery): Promise<Page<CampaignRecordDto>> {
    const q = campaignRecordsQuerySchema.parse(query);
    await this.find(id);
    const [rows, total] = await this.deps.repo.records(id, q);
    return { items: rows.map(recordDto), total, limit: q.limit, offset: q.offset };
  }

  async progress(id: string): Promise<CampaignProgressDto> {
    const campaign = await this.find(id);
    const p = await this.deps.repo.progress(id, campaign.abandon_window_minutes);
    const records = Object.fromEntries(CAMPAIGN_RECORD_STATES.map((s) => [s, 0])) as CampaignProgressDto['records'];
    for (const { state, n } of p.states) records[state] = n;
    const t = p.totals;
    return {
      campaignId: id,
      status: campaign.status,
      records,
      attempts: t.attempts,
      answered: t.answered,
      answerRate: t.attempts > 0 ? t.answered / t.attempts : null,
      contactRate: t.reached > 0 ? t.contacted / t.reached : null,
      abandonRate: t.window_answered > 0 ? t.window_abandoned / t.window_answered : null,
      abandonCapPercent: Number(campaign.abandon_cap_percent),
      byDisposition: Object.fromEntries(p.dispositions.map((d) => [d.disposition, d.n])),
      byOperator: p.operators.map((o) => ({
        userId: o.user_id,
        name: o.name,
        attempts: o.attempts,
        answered: o.answered,
      })),
    };
  }

  /** The campaign's results over its whole life (the progress figures are the live view, abandons in a window). */
  async stats(id: string): Promise<CampaignStatsDto> {
    const campaign = await this.find(id);
    const rows = await this.deps.stats.stats(id);
    const records = Object.fromEntries(CAMPAIGN_RECORD_STATES.map((s) => [s, 0])) as CampaignStatsDto['records'];
    for (const { state, n } of rows.states) records[state] = n;
    const byOutcome = Object.fromEntries(CAMPAIGN_ATTEMPT_OUTCOMES.map((o) => [o, 0])) as CampaignStatsDto['byOutcome'];
    for (const { outcome, n } of rows.outcomes) byOutcome[outcome] = n;
    const attempts = COUNTED_OUTCOMES.reduce((sum, o) => sum + byOutcome[o], 0);
    const connects = byOutcome.answered;
    const { abandoned } = byOutcome;
    const counted = new Map(rows.dispositions.map((d) => [d.disposition, d.n]));
    const byDisposition = [
      ...campaign.dispositions,
      ...rows.dispositions.map((d) => d.disposition).filter((d) => !campaign.dispositions.includes(d)),
    ].map((d) => ({ disposition: d, count: counted.get(d) ?? 0, closing: campaign.closing_dispositions.includes(d) }));
    return {
      campaignId: id,
      name: campaign.name,
      status: campaign.status,
      records,
      attempts,
      connects,
      abandoned,
      abandonRate: connects + abandoned > 0 ? abandoned / (connects + abandoned) : null,
      talkSeconds: rows.talkSeconds,
      averageTalkSeconds: connects > 0 ? rows.talkSeconds / connects : null,
      byOutcome,
      byDisposition,
      byOperator: rows.operators.map((o) => ({
        userId: o.user_id,
        name: o.name,
        attempts: o.attempts,
        connects: o.connects,
        talkSeconds: o.talk_seconds,
      })),
    };
  }

  /**
   * Preview mode: the next record for this operator, reserved for them (its number cannot be dialled by anyone
   * else meanwhile). Asking again returns the same offer until it is dialled or skipped.
   */
  async nextOffer(viewer: UserDto, id: string): Promise<PreviewOfferDto> {
    const campaign = await this.find(id);
    this.checkOperatorOf(viewer, campaign);
    if (campaign.mode !== 'preview' || campaign.status !== 'running') throw campaignsError('CAMPAIGN_NO_OFFER');
    const held = await this.deps.repo.liveAttemptOf(viewer.id);
    if (held && held.campaign_id === id && !held.connected_at) {
      const record = await this.deps.repo.record(held.record_id);
      if (record) return offer(campaign, held.id, record);
    }
    if (held) throw campaignsError('CAMPAIGN_NO_OFFER', { reason: 'the operator is on another campaign call' });
    const claimed = await this.deps.dialer.claim(campaign, viewer.id);
    if (!claimed) throw campaignsError('CAMPAIGN_NO_OFFER');
    return offer(campaign, claimed.attempt.id, claimed.record);
  }

  /** Preview mode: the operator dials the offer; the rules are checked again now, then their phone rings first. */
  async dialOffer(viewer: UserDto, attemptId: string): Promise<{ dialled: boolean; attemptId: string }> {
    const { campaign, attempt } = await this.ownAttempt(viewer, attemptId);
    if (attempt.connected_at || attempt.ended_at) throw campaignsError('CAMPAIGN_ATTEMPT_NOT_FOUND');
    if (!viewer.extension) throw campaignsError('CAMPAIGN_OPERATOR_INVALID');
    const record = await this.deps.repo.record(attempt.record_id);
    if (!record) throw campaignsError('CAMPAIGN_ATTEMPT_NOT_FOUND');
    const dialled = await this.deps.dialer.place(campaign, { attempt, record }, viewer.extension);
    if (!dialled) {
      const after = await this.deps.repo.attempt(attemptId);
      throw campaignsError('CAMPAIGN_NO_OFFER', { outcome: after?.outcome ?? 'not-dialled' });
    }
    return { dialled, attemptId };
  }

  async skipOffer(viewer: UserDto, attemptId: string): Promise<void> {
    const { attempt } = await this.ownAttempt(viewer, attemptId);
    if (attempt.connected_at || attempt.ended_at) throw campaignsError('CAMPAIGN_ATTEMPT_NOT_FOUND');
    await this.deps.repo.dropAttempt(attemptId, {
      state: 'pending',
      nextDueAt: new Date(Date.now() + SKIP_MINUTES * 60_000),
    });
  }

  /** The operator's wrap-up of a campaign call: a closing disposition closes the record, any other retries it. */
  async dispose(viewer: UserDto, attemptId: string, disposition: string): Promise<CampaignRecordDto> {
    const { campaign, attempt } = await this.ownAttempt(viewer, attemptId);
    if (!campaign.dispositions.includes(disposition)) {
      throw campaignsError('CAMPAIGN_DISPOSITION_UNKNOWN', { allowed: campaign.dispositions });
    }
    const record = await this.deps.repo.record(attempt.record_id);
    if (!record) throw campaignsError('CAMPAIGN_ATTEMPT_NOT_FOUND');
    const move = afterDisposition(
      disposition,
      campaign.closing_dispositions,
      record.attempts,
      campaign.retry_rules,
      new Date(),
    );
    await this.deps.repo.setDisposition(attemptId, disposition, move);
    return recordDto((await this.deps.repo.record(record.id))!);
  }

  // -------------------------------------------------------------------------------------------------------------

  private async find(id: string): Promise<CampaignRow> {
    const row = await this.deps.repo.find(id);
    if (!row) throw campaignsError('CAMPAIGN_NOT_FOUND');
    return row;
  }

  private async ownAttempt(viewer: UserDto, attemptId: string) {
    const attempt = await this.deps.repo.attempt(attemptId);
    const mayAct = attempt && (attempt.user_id === viewer.id || viewer.role !== 'operator');
    if (!attempt || !mayAct) throw campaignsError('CAMPAIGN_ATTEMPT_NOT_FOUND');
    const campaign = await this.find(attempt.campaign_id);
    return { campaign, attempt };
  }

  private checkOperatorOf(viewer: UserDto, campaign: CampaignRow): void {
    if (!campaign.operator_ids.includes(viewer.id)) throw campaignsError('CAMPAIGN_NOT_FOUND');
  }

  private checkCallerId(callerId: string): void {
    const allowed = this.deps.callerIds;
    if (allowed.length > 0 && !allowed.includes(callerId)) {
      throw campaignsError('CAMPAIGN_CALLER_ID_NOT_ALLOWED', { callerId, allowed });
    }
  }

  private async checkOperators(ids: readonly string[]): Promise<void> {
    const found = new Set((await this.deps.sources.operators(ids)).map((o) => o.id));
    const invalid = ids.filter((id) => !found.has(id));
    if (invalid.length > 0) throw campaignsError('CAMPAIGN_OPERATOR_INVALID', { operatorIds: invalid });
  }

  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw campaignsError('CAMPAIGN_NAME_TAKEN');
      throw err;
    }
  }

  private audit(viewer: UserDto, action: string, id: string, details: Record<string, unknown>): Promise<void> {
    return this.deps.audit.record({ actorId: viewer.id, action, entity: 'campaign', entityId: id, details });
  }
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** Customer first, the queue's free operator takes the answered customer: no queue, nobody could. */
function checkCustomerFirst(ratio: number, queue: string | null): void {
  if (ratio > 1 && !queue) throw campaignsError('CAMPAIGN_QUEUE_REQUIRED', { field: 'queue' });
}

function toDto(r: CampaignRow): CampaignDto {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    queue: r.queue,
    operatorIds: r.operator_ids,
    callerId: r.caller_id,
    ratio: Number(r.ratio),
    abandonCapPercent: Number(r.abandon_cap_percent),
    abandonWindowMinutes: r.abandon_window_minutes,
    schedule: r.schedule,
    callWindow: r.call_window,
    retryRules: r.retry_rules,
    dispositions: r.dispositions,
    closingDispositions: r.closing_dispositions,
    script: r.script,
    status: r.status,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function recordDto(r: RecordRow): CampaignRecordDto {
  return {
    id: r.id,
    phoneE164: r.phone_e164,
    name: r.name,
    entityType: r.entity_type,
    entityId: r.entity_id,
    state: r.state,
    attempts: r.attempts,
    nextDueAt: iso(r.next_due_at),
    lastOutcome: r.last_outcome,
    disposition: r.disposition,
    excludedReason: r.excluded_reason,
  };
}

const offer = (c: CampaignRow, attemptId: string, record: RecordRow): PreviewOfferDto => ({
  attemptId,
  campaign: { id: c.id, name: c.name, script: c.script, dispositions: c.dispositions },
  record: recordDto(record),
});
