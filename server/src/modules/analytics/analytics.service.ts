import { type DataSource } from 'typeorm';

import {
  type AnalyticsQuery,
  type AnalyticsRange,
  type AnalyticsSummaryDto,
  type CampaignResultsReportDto,
  type CallKpis,
  type DailyReportDto,
  type HeatmapReportDto,
  type LeadSourcesReportDto,
  type OperatorsReportDto,
  type QueueRowDto,
  type QueuesReportDto,
  type QueueSettingDto,
  type FunnelReportDto,
  type FunnelStageDto,
} from '@contracts/dto/analytics';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';
import { type TeamScopeReadModel } from '@server/modules/teams/team-scope.read-model';
import { type UserDto } from '@contracts/dto/user';
import { AppError, pgErrorCode } from '@server/common/errors/app-error';
import { type AuditService } from '@server/modules/audit/audit.service';
import {
  AnalyticsReadModel,
  type Bounds,
  type CallKpiRow,
  type QueueSettingRow,
} from '@server/modules/analytics/analytics.read-model';
import { QueueSettingsRepository } from '@server/modules/analytics/queue-settings.repository';
import { AnalyticsRolesReadModel } from '@server/modules/analytics/analytics-roles.read-model';
import { type AnalyticsRollupsService } from '@server/modules/analytics/analytics-rollups.service';
import { CampaignResultsReadModel } from '@server/modules/analytics/campaign-results.read-model';

/**
 * Contact-center metrics over stored calls (inbound, ended, started in [from, to) of the caller's time zone) and
 * the CRM tables. The formulas (also in the README "Analytics" section and on the page):
 *
 * - offered = inbound calls that ended; answered / missed / failed by `calls.disposition`
 *   (missed: nobody answered before the queue or ring timeout; abandoned: the caller hung up first).
 * - shortAbandoned = abandoned with wait < shortAbandonSeconds (default 5 s): misdials, excluded from abandoned and
 *   from the SL and abandon-rate denominators; abandoned = the other abandons.
 * - SL = answered with wait ≤ slSeconds ÷ (offered − shortAbandoned); met when SL ≥ slTarget % (default 80/20).
 *   Missed and (long) abandoned calls stay in the denominator: a caller nobody answered was not served in time.
 * - abandonRate = abandoned ÷ (offered − shortAbandoned).
 * - ASA = mean wait of answered calls (call.created → first answer, seconds).
 * - AHT = (talk + hold + wrap-up) ÷ answered. The stored talk_seconds runs from answer to hang-up and so contains
 *   hold; talk here is talk_seconds − hold_seconds, so AHT's numerator is talk_seconds + wrap-up. Wrap-up per
 *   answered call: wrap_up_at − ended_at when the operator submitted the wrap-up form (capped at 600 s), else the
 *   queue's configured wrap-up seconds (analytics_queue_settings), else 0.
 * - occupancy = handling ÷ staffed time from the agent state history, clipped to the range: handling = on-call +
 *   ringing + wrap-up, staffed = handling + available (breaks and offline excluded); null when there is no history.
 * - A transferred call counts once in every call figure; per operator it counts for each operator who handled it.
 * - callbacks done in time = callback tasks due in the range done at or before due_at ÷ callback tasks due.
 * - leads from calls = leads with source 'call' created in the range. Of the leads created in the range (a cohort):
 *   lead→contact conversion = those now 'converted' ÷ all; lead→deal = those whose conversion made a deal
 *   (leads.deal_id) ÷ all; lead→won deal = those whose deal is on a won stage now ÷ all.
 * - average deal amount = mean amount of deals won (closed) in the range, per currency.
 * - per outbound campaign, over its attempts started in the range: attempts = those that dialled the customer;
 *   contacts = answered ones; contact rate = contacts ÷ attempts; conversions = contacted records with a deal of the
 *   record's person created within `conversionDays` after a contact; conversion rate = conversions ÷ contacted records.
 */
export class AnalyticsService {
  private readonly repo: AnalyticsReadModel;
  private readonly queueSettingsRepo: QueueSettingsRepository;
  private readonly roles: AnalyticsRolesReadModel;
  private readonly campaignResults: CampaignResultsReadModel;

  constructor(
    dataSource: DataSource,
    private readonly audit?: AuditService,
    private readonly teams?: TeamScopeReadModel,
    /** Without it every report reads `calls` alone (the bench's baseline, the property test's reference). */
    private readonly rollups?: Pick<AnalyticsRollupsService, 'window'>,
  ) {
    this.repo = new AnalyticsReadModel(dataSource);
    this.queueSettingsRepo = new QueueSettingsRepository(dataSource);
    this.roles = new AnalyticsRolesReadModel(dataSource);
    this.campaignResults = new CampaignResultsReadModel(dataSource);
  }

  async queueSettings(): Promise<QueueSettingDto[]> {
    return (await this.repo.queueSettings()).map(toQueueSetting);
  }

  /** Sets a queue's wrap-up seconds (audited); it applies to every past and future call of the queue. */
  async setQueueWrapUp(actor: UserDto, queue: string, wrapUpSeconds: number): Promise<QueueSettingDto> {
    const row = await this.queueSettingsRepo.upsertQueueSetting(queue, wrapUpSeconds);
    await this.audit?.record({
      actorId: actor.id,
      action: 'analytics.queue-wrap-up.set',
      entity: 'queue',
      entityId: queue,
      details: { wrapUpSeconds },
    });
    return toQueueSetting(row);
  }

  async summary(q: AnalyticsQuery, viewer?: Viewer): Promise<AnalyticsSummaryDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const [kpis, transferred, occupancy, crm, deals] = await Promise.all([
      this.repo.callKpis(bounds, q.slSeconds, q.shortAbandonSeconds),
      this.repo.transferredCalls(bounds),
      this.repo.occupancy(bounds),
      this.repo.crm(bounds),
      this.repo.dealAverages(bounds),
    ]);
    const handlingSeconds = sum(occupancy.map((o) => o.handling));
    const staffedSeconds = sum(occupancy.map((o) => o.staffed));
    return {
      range,
      params: { slSeconds: q.slSeconds, slTarget: q.slTarget, shortAbandonSeconds: q.shortAbandonSeconds },
      calls: { ...callKpis(kpis, q.slTarget), transferred },
      occupancy: {
        occupancy: ratio(handlingSeconds, staffedSeconds),
        handlingSeconds: Math.round(handlingSeconds),
        staffedSeconds: Math.round(staffedSeconds),
      },
      crm: {
        callbacksDue: crm.callbacks_due,
        callbacksDoneInTime: crm.callbacks_in_time,
        callbacksDoneLate: crm.callbacks_late,
        callbacksOpen: crm.callbacks_open,
        callbacksInTimeRate: ratio(crm.callbacks_in_time, crm.callbacks_due),
        leadsCreated: crm.leads_created,
        leadsFromCalls: crm.leads_from_calls,
        leadsConverted: crm.leads_converted,
        leadToContactConversion: ratio(crm.leads_converted, crm.leads_created),
        leadsWithDeal: crm.leads_with_deal,
        leadToDealConversion: ratio(crm.leads_with_deal, crm.leads_created),
        leadsWithWonDeal: crm.leads_with_won_deal,
        leadToWonDealConversion: ratio(crm.leads_with_won_deal, crm.leads_created),
        averageDealAmount: deals,
      },
    };
  }

  /** Lead sources: leads created in the range per source and UTM tags, with how many are converted now. */
  async leadSources(q: AnalyticsQuery, viewer?: Viewer): Promise<LeadSourcesReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const rows = await this.repo.leadSources(bounds);
    return {
      range,
      rows: rows.map((r) => ({
        source: r.source,
        utmSource: r.utm_source,
        utmMedium: r.utm_medium,
        utmCampaign: r.utm_campaign,
        leads: r.leads,
        converted: r.converted,
      })),
    };
  }

  /** Outbound campaigns with attempts in the range: attempts, contacts and conversions to deals (see the class). */
  async campaigns(q: AnalyticsQuery, viewer?: Viewer): Promise<CampaignResultsReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const rows = await this.campaignResults.results(
      bounds.fromUtc,
      bounds.toUtc,
      q.conversionDays,
      bounds.members ?? null,
    );
    return {
      range,
      conversionDays: q.conversionDays,
      rows: rows.map((r) => ({
        campaignId: r.campaign_id,
        name: r.name,
        attempts: r.attempts,
        contacts: r.contacts,
        contactRate: ratio(r.contacts, r.attempts),
        contactedRecords: r.contacted_records,
        conversions: r.conversions,
        conversionRate: ratio(r.conversions, r.contacted_records),
      })),
    };
  }

  /** Per operator: handled = distinct calls answered or received by transfer; AHT = (handle + wrap-up) ÷ handled. */
  async operators(q: AnalyticsQuery, viewer?: Viewer): Promise<OperatorsReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const [rows, occupancy] = await Promise.all([this.repo.operatorKpis(bounds), this.repo.occupancy(bounds)]);
    const occ = new Map(occupancy.map((o) => [o.user_id, o]));
    return {
      range,
      rows: rows.map((r) => {
        const o = occ.get(r.user_id);
        return {
          userId: r.user_id,
          name: r.name,
          extension: r.extension,
          handled: r.handled,
          answered: r.answered,
          transfersIn: r.transfers_in,
          handleSeconds: r.handle,
          holdSeconds: r.hold,
          wrapUpSeconds: round(r.wrap),
          ahtSeconds: avg(r.handle + r.wrap, r.handled),
          asaSeconds: r.asa === null ? null : round(r.asa),
          occupancy: o ? ratio(o.handling, o.staffed) : null,
        };
      }),
    };
  }

  async queues(q: AnalyticsQuery, viewer?: Viewer): Promise<QueuesReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const rows = await this.repo.queueKpis(bounds, q.slSeconds, q.shortAbandonSeconds);
    return {
      range,
      rows: rows.map((r): QueueRowDto => {
        const k = callKpis(r, q.slTarget);
        return {
          queue: r.queue,
          offered: k.offered,
          answered: k.answered,
          missed: k.missed,
          abandoned: k.abandoned,
          shortAbandoned: k.shortAbandoned,
          serviceLevel: k.serviceLevel,
          abandonRate: k.abandonRate,
          asaSeconds: k.asaSeconds,
          ahtSeconds: k.ahtSeconds,
        };
      }),
    };
  }

  /** Offered / answered / abandoned and mean answered wait per (ISO weekday, hour) of the start in `tz`. */
  async heatmap(q: AnalyticsQuery, viewer?: Viewer): Promise<HeatmapReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const rows = await this.repo.heatmap(bounds, q.tz, q.shortAbandonSeconds);
    return {
      range,
      rows: rows.map((r) => ({
        weekday: r.weekday,
        hour: r.hour,
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        avgWaitSeconds: r.avg_wait === null ? null : round(r.avg_wait),
      })),
    };
  }

  /** Per local day of the start: offered, answered, abandoned, short abandons and SL (same rules as the summary). */
  async daily(q: AnalyticsQuery, viewer?: Viewer): Promise<DailyReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const rows = await this.repo.daily(bounds, q.tz, q.slSeconds, q.shortAbandonSeconds);
    return {
      range,
      rows: rows.map((r) => ({
        date: r.date,
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        shortAbandoned: r.short_abandoned,
        serviceLevel: ratio(r.answered_within_sl, r.offered - r.short_abandoned),
      })),
    };
  }

  /**
   * Stages of a pipeline with the deals created in the range: on each stage now, and how many got at least that far
   * (see FunnelStageDto); amounts per currency, weighted by each stage's probability.
   */
  async funnel(q: AnalyticsQuery, pipelineId: string, viewer?: Viewer): Promise<FunnelReportDto> {
    const { range, bounds } = await this.resolve(q, viewer);
    const [rows, times] = await Promise.all([
      this.repo.funnel(bounds, pipelineId),
      this.roles.medianTimeInStage(bounds.fromUtc, bounds.toUtc, pipelineId, bounds.members ?? null),
    ]);
    const median = new Map(times.map((t) => [t.stage, t.median_seconds]));
    const stages: FunnelStageDto[] = [];
    for (const r of rows) {
      let stage = stages.at(-1);
      if (stage?.key !== r.key) {
        stage = {
          key: r.key,
          nameRu: r.name_ru,
          nameEn: r.name_en,
          kind: r.kind,
          probability: r.probability,
          deals: 0,
          reached: 0,
          conversion: null,
          medianSecondsInStage: median.has(r.key) ? Math.round(median.get(r.key)!) : null,
          amounts: [],
        };
        stages.push(stage);
      }
      stage.deals += r.deals;
      if (r.currency) {
        const amount = Number(r.amount);
        stage.amounts.push({
          currency: r.currency.trim(),
          amount,
          weighted: Math.round(amount * r.probability) / 100,
        });
      }
    }
    const won = sum(stages.filter((s) => s.kind === 'won').map((s) => s.deals));
    let previous: number | null = null;
    for (const [i, stage] of stages.entries()) {
      if (stage.kind !== 'open') {
        stage.reached = stage.deals;
        continue;
      }
      stage.reached =
        won +
        sum(
          stages
            .slice(i)
            .filter((s) => s.kind === 'open')
            .map((s) => s.deals),
        );
      stage.conversion = previous === null ? null : ratio(stage.reached, previous);
      previous = stage.reached;
    }
    return { range, pipelineId, stages };
  }

  private async resolve(q: AnalyticsQuery, viewer?: Viewer): Promise<{ range: AnalyticsRange; bounds: Bounds }> {
    // A team supervisor's figures are their teams' whatever they ask; a named team narrows further.
    let members: string[] | null = viewer && !seesAll(viewer) ? scopeIds(viewer) : null;
    if (q.teamId && viewer && this.teams) members = await this.teams.filterFor(viewer, q.teamId);
    const bounds = await boundsOf(this.repo, q);
    // Rollups do not know at whose phones a call rang, so a team's figures are read from calls.
    const rollup = members ? null : (this.rollups?.window(bounds.fromUtc, bounds.toUtc) ?? null);
    return {
      bounds: { ...bounds, members, rollup, crmDays: this.rollups !== undefined },
      range: {
        from: q.from,
        to: q.to,
        tz: q.tz,
        fromUtc: bounds.fromUtc.toISOString(),
        toUtc: bounds.toUtc.toISOString(),
      },
    };
  }
}

/** The range as instants; a zone the browser's ICU knows but this server's tzdata does not is a 400. */
export async function boundsOf(repo: AnalyticsReadModel, q: Pick<AnalyticsQuery, 'from' | 'to' | 'tz'>) {
  return repo.bounds(q.from, q.to, q.tz).catch((err: unknown) => {
    // 22023 invalid_parameter_value
    if (pgErrorCode(err) === PG_INVALID_PARAMETER_VALUE)
      throw new AppError('VALIDATION_FAILED', 400, `Unknown time zone ${q.tz}`, {
        details: [{ field: 'tz', message: 'not a time zone this server knows' }],
      });
    throw err;
  });
}

/**
 * Service level of a KPI row: answered within the threshold ÷ (offered − short abandons), 4 decimals; null with no
 * call. The one formula of the analytics pages, their exports and the wallboard's "today".
 */
export function serviceLevelOf(r: CallKpiRow): number | null {
  return ratio(r.answered_within_sl, r.offered - r.short_abandoned);
}

function callKpis(r: CallKpiRow, slTarget: number): Omit<CallKpis, 'transferred'> {
  const slDenominator = r.offered - r.short_abandoned;
  const serviceLevel = serviceLevelOf(r);
  return {
    offered: r.offered,
    answered: r.answered,
    missed: r.missed,
    abandoned: r.abandoned,
    shortAbandoned: r.short_abandoned,
    failed: r.failed,
    answeredWithinSl: r.answered_within_sl,
    slDenominator,
    serviceLevel,
    // Compared in whole per-mille so 0.8 vs 80 % is not decided by float noise.
    slMet: serviceLevel === null ? null : Math.round(serviceLevel * 1000) >= Math.round(slTarget * 10),
    abandonRate: ratio(r.abandoned, slDenominator),
    asaSeconds: r.asa === null ? null : round(r.asa),
    ahtSeconds: avg(r.talk + r.hold + r.wrap, r.answered),
    talkSeconds: round(r.talk),
    holdSeconds: round(r.hold),
    wrapUpSeconds: round(r.wrap),
  };
}

const toQueueSetting = (r: QueueSettingRow): QueueSettingDto => ({
  queue: r.queue,
  wrapUpSeconds: r.wrap_up_seconds,
  updatedAt: r.updated_at.toISOString(),
});

const PG_INVALID_PARAMETER_VALUE = '22023';
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
/** 0..1 with 4 decimals; null when the denominator is 0 (no data is not 0 %). */
const ratio = (num: number, den: number) => (den > 0 ? round(num / den, 4) : null);
const avg = (total: number, n: number) => (n > 0 ? round(total / n) : null);
