import { type DataSource } from 'typeorm';

import { rangeEnd, rangeStart } from '@contracts/dto/call';
import { type Page } from '@contracts/dto/common';
import {
  REVIEW_EXPORT_LIMIT,
  type ReviewDto,
  type ReviewExportQuery,
  type ReviewItemDto,
  type ReviewListQuery,
  type ReviewRequest,
  reviewExportQuerySchema,
  reviewListQuerySchema,
  reviewRequestSchema,
} from '@contracts/dto/quality';
import { type UserDto } from '@contracts/dto/user';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';
import { type ExportTable } from '@server/common/export/table-export';
import { type AuditService } from '@server/modules/audit/audit.service';

import { REVIEW_EXPORT_TEXTS } from './quality.export-texts';
import { qualityError } from './quality.errors';
import { QualityRepository, type ReviewCallRow, type ReviewFilter, type ReviewRow } from './quality.repository';

type FilterInput = Omit<ReviewListQuery, 'limit' | 'offset'>;

function toFilter(q: {
  operatorId?: string;
  queue?: string;
  from?: string;
  to?: string;
  minDuration?: number;
  maxDuration?: number;
  disposition?: string;
  direction?: string;
  reviewed?: 'true' | 'false';
}): ReviewFilter {
  return {
    operatorId: q.operatorId,
    queue: q.queue,
    from: q.from ? rangeStart(q.from) : undefined,
    to: q.to ? rangeEnd(q.to) : undefined,
    minDuration: q.minDuration,
    maxDuration: q.maxDuration,
    disposition: q.disposition,
    direction: q.direction,
    reviewed: q.reviewed === undefined ? undefined : q.reviewed === 'true',
  };
}

const toReviewDto = (r: ReviewRow): ReviewDto => ({
  callId: r.call_id,
  reviewerId: r.reviewer_id,
  reviewerName: r.reviewer_name,
  score: r.score,
  scriptFollowed: r.script_followed,
  comment: r.comment,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

function toItem(r: ReviewCallRow, reviews: ReviewDto[]): ReviewItemDto {
  return {
    callId: r.id,
    direction: r.direction,
    fromRaw: r.from_raw,
    fromE164: r.from_e164,
    toRaw: r.to_raw,
    toE164: r.to_e164,
    callerName: r.caller_name,
    anonymous: r.anonymous,
    queue: r.queue,
    operatorId: r.operator_id,
    operatorName: r.operator_name,
    agentExtension: r.agent_extension,
    startedAt: r.started_at.toISOString(),
    talkSeconds: r.talk_seconds,
    disposition: r.disposition,
    wrapUpOutcome: r.wrap_up_outcome,
    wrapUpNote: r.wrap_up_note,
    recordingUrl: `/api/recordings/${r.recording_id}`,
    recordingSeconds: r.recording_seconds,
    reviews,
  };
}

/**
 * Recordings review (quality control) for supervisors and managers — the roles that may listen to any recording;
 * the routes refuse everyone else. Playback itself stays on `GET /api/recordings/:id`, which audits every listen.
 */
/** A team supervisor reviews their teams' calls only. */
const inScope = (viewer: Viewer, filter: ReviewFilter): ReviewFilter =>
  seesAll(viewer) ? filter : { ...filter, scope: scopeIds(viewer) };

export class QualityService {
  private readonly repo: QualityRepository;

  constructor(
    dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.repo = new QualityRepository(dataSource);
  }

  async list(viewer: Viewer, query: ReviewListQuery): Promise<Page<ReviewItemDto>> {
    const q = reviewListQuerySchema.parse(query);
    const [rows, total] = await this.repo.list(inScope(viewer, toFilter(q)), q.limit, q.offset);
    return { items: await this.withReviews(rows), total, limit: q.limit, offset: q.offset };
  }

  /**
   * The newest REVIEW_EXPORT_LIMIT calls in the viewer's scope matching the filters, one row per call with its
   * reviews summarised, in the requested language (`lang`, else the viewer's profile language).
   */
  async exportTable(viewer: Viewer, query: FilterInput | ReviewExportQuery): Promise<ExportTable<ReviewItemDto>> {
    const q = reviewExportQuerySchema.parse(query);
    const x = REVIEW_EXPORT_TEXTS[q.lang ?? viewer.locale];
    const h = x.headers;
    const [rows] = await this.repo.list(inScope(viewer, toFilter(q)), REVIEW_EXPORT_LIMIT, 0);
    const items = await this.withReviews(rows);
    const avg = (i: ReviewItemDto) =>
      i.reviews.length ? Math.round((i.reviews.reduce((s, r) => s + r.score, 0) / i.reviews.length) * 10) / 10 : null;
    return {
      name: 'call-reviews',
      rows: items,
      columns: [
        { header: h.callId, value: (i) => i.callId },
        { header: h.startedAt, value: (i) => i.startedAt },
        { header: h.direction, value: (i) => x.direction(i.direction) },
        { header: h.from, value: (i) => (i.anonymous ? x.withheld : (i.fromE164 ?? i.fromRaw)) },
        { header: h.to, value: (i) => i.toE164 ?? i.toRaw },
        { header: h.queue, value: (i) => i.queue },
        { header: h.operator, value: (i) => i.operatorName },
        { header: h.extension, value: (i) => i.agentExtension },
        { header: h.talkSeconds, value: (i) => i.talkSeconds },
        { header: h.disposition, value: (i) => (i.disposition ? x.disposition(i.disposition) : null) },
        { header: h.wrapUp, value: (i) => (i.wrapUpOutcome ? x.wrapUp(i.wrapUpOutcome) : null) },
        { header: h.recordingSeconds, value: (i) => i.recordingSeconds },
        { header: h.reviews, value: (i) => i.reviews.length },
        { header: h.averageScore, value: avg },
        {
          header: h.scriptFollowed,
          // "no" as soon as one reviewer heard the script broken; blank when nobody has reviewed.
          value: (i) => (i.reviews.length === 0 ? null : i.reviews.every((r) => r.scriptFollowed) ? x.yes : x.no),
        },
        {
          header: h.comments,
          value: (i) =>
            i.reviews
              .filter((r) => r.comment)
              .map((r) => `${r.reviewerName}: ${r.comment}`)
              .join(' | ') || null,
        },
      ],
    };
  }

  /**
   * Creates or corrects the viewer's own review of a recorded call. Audited when something changed; repeating the
   * same review changes nothing and logs nothing.
   */
  async review(viewer: UserDto, callId: string, input: ReviewRequest): Promise<ReviewDto> {
    const req = reviewRequestSchema.parse(input);
    const state = await this.repo.callState(callId);
    if (!state || !(seesAll(viewer) || (await this.repo.handledByAny(callId, scopeIds(viewer))))) {
      throw qualityError('CALL_NOT_FOUND');
    }
    if (!state.hasRecording) throw qualityError('RECORDING_NOT_FOUND');
    const { created, changed } = await this.repo.upsert(callId, viewer.id, req);
    if (changed) {
      await this.audit.record({
        actorId: viewer.id,
        action: created ? 'call.review.create' : 'call.review.update',
        entity: 'call',
        entityId: callId,
        // The comment itself stays in call_reviews; the trail records what was decided, not the prose.
        details: { score: req.score, scriptFollowed: req.scriptFollowed, hasComment: req.comment !== null },
      });
    }
    const row = await this.repo.findReview(callId, viewer.id);
    if (!row) throw qualityError('CALL_NOT_FOUND'); // the call was deleted between the upsert and this read
    return toReviewDto(row);
  }

  private async withReviews(rows: ReviewCallRow[]): Promise<ReviewItemDto[]> {
    const reviews = await this.repo.reviewsOf(rows.map((r) => r.id));
    const byCall = new Map<string, ReviewDto[]>();
    for (const r of reviews) {
      const list = byCall.get(r.call_id) ?? [];
      list.push(toReviewDto(r));
      byCall.set(r.call_id, list);
    }
    return rows.map((r) => toItem(r, byCall.get(r.id) ?? []));
  }
}
