import { type DataSource } from 'typeorm';

import { type AnalyticsQuery, type AnalyticsRange } from '@contracts/dto/analytics';
import {
  type CallDirectionsReportDto,
  type DirectionFigures,
  type MyDashboardReportDto,
  type PersonalDashboardDto,
  type PersonalFigures,
  type SalesReportDto,
  type SetTargetRequest,
  type TargetMetric,
  type TeamReportDto,
} from '@contracts/dto/analytics-roles';
import { AppError } from '@server/common/errors/app-error';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type TeamScopeReadModel } from '@server/modules/teams/team-scope.read-model';
import { AnalyticsReadModel } from '@server/modules/analytics/analytics.read-model';
import { boundsOf } from '@server/modules/analytics/analytics.service';
import { AnalyticsRolesReadModel, type DirectionRow } from '@server/modules/analytics/analytics-roles.read-model';
import { AnalyticsTargetsRepository } from '@server/modules/analytics/analytics-targets.repository';

interface Span {
  fromUtc: Date;
  toUtc: Date;
}

/**
 * Figures for every role (issue #20), README "Analytics → figures for every role":
 *
 * - callsIn, AHT: the operators report's handled and (handle + wrap-up) ÷ handled for the person.
 * - outbound / internal: ended calls of the range that the person was the operator of or that rang them (a leg);
 *   attempts = those calls, connects = answered ones, talk = their talk seconds.
 * - talkSeconds = inbound handle time + outbound and internal talk of connects.
 * - missedReturned: missed or abandoned inbound calls of the range whose number they called back within a day.
 * - callbacks: callback tasks assigned to them, due in the range; in time = done by the due time.
 * - conversions: their leads converted in the range; dealsWon: their deals closed won in the range.
 * - Targets: per metric and calendar day or month of `tz`; progress = today's / this month's figure ÷ target.
 *
 * Who: an operator only ever themselves; a supervisor who leads teams their members; everyone else all operators.
 */
export class AnalyticsRolesService {
  private readonly calls: AnalyticsReadModel;
  private readonly read: AnalyticsRolesReadModel;
  private readonly targets: AnalyticsTargetsRepository;

  constructor(
    dataSource: DataSource,
    private readonly audit?: AuditService,
    private readonly teams?: TeamScopeReadModel,
  ) {
    this.calls = new AnalyticsReadModel(dataSource);
    this.read = new AnalyticsRolesReadModel(dataSource);
    this.targets = new AnalyticsTargetsRepository(dataSource);
  }

  /** The signed-in user's own dashboard; there is no parameter naming anybody else. */
  async mine(q: AnalyticsQuery, viewer: Viewer): Promise<MyDashboardReportDto> {
    const { range, span } = await this.resolve(q);
    const [dashboard] = await this.dashboards([viewer.id], span, q.tz);
    return { range, dashboard: dashboard! };
  }

  /** Every operator the viewer may see (a team supervisor: their members), each with a dashboard. */
  async team(q: AnalyticsQuery, viewer: Viewer): Promise<TeamReportDto> {
    const { range, span } = await this.resolve(q);
    const ids = await this.members(q, viewer);
    return { range, rows: await this.dashboards(ids, span, q.tz) };
  }

  async sales(q: AnalyticsQuery, viewer: Viewer): Promise<SalesReportDto> {
    const { range, span } = await this.resolve(q);
    const ids = await this.filter(q, viewer);
    const [owners, channels] = await Promise.all([
      this.read.salesByOwner(span.fromUtc, span.toUtc, ids),
      this.read.leadChannels(span.fromUtc, span.toUtc, ids),
    ]);
    return {
      range,
      owners: owners.map((o) => ({
        userId: o.user_id,
        name: o.name,
        dealsCreated: o.deals_created,
        dealsWon: o.deals_won,
        dealsLost: o.deals_lost,
        wonAmounts: o.won_amounts,
        leads: o.leads,
        leadsWithDeal: o.leads_with_deal,
      })),
      channels: channels.map((c) => ({
        channel: c.channel,
        leads: c.leads,
        withDeal: c.with_deal,
        conversion: ratio(c.with_deal, c.leads),
      })),
    };
  }

  async callDirections(q: AnalyticsQuery, viewer: Viewer): Promise<CallDirectionsReportDto> {
    const { range, span } = await this.resolve(q);
    const ids = await this.filter(q, viewer);
    const [rows, totals] = await Promise.all([
      this.read.directions(span.fromUtc, span.toUtc, ids),
      this.read.directionTotals(span.fromUtc, span.toUtc, ids),
    ]);
    const byUser = groupBy(rows, (r) => r.user_id);
    const people = await this.read.people([...byUser.keys()]);
    return {
      range,
      rows: people.map((p) => ({
        userId: p.id,
        name: p.name,
        outbound: direction(byUser.get(p.id), 'outbound'),
        internal: direction(byUser.get(p.id), 'internal'),
      })),
      totals: { outbound: direction(totals, 'outbound'), internal: direction(totals, 'internal') },
    };
  }

  /** Median seconds per stage for the funnel (deals created in the range, scoped like the funnel). */
  async stageTimes(q: AnalyticsQuery, pipelineId: string, viewer: Viewer): Promise<Map<string, number | null>> {
    const { span } = await this.resolve(q);
    const rows = await this.read.medianTimeInStage(span.fromUtc, span.toUtc, pipelineId, await this.filter(q, viewer));
    return new Map(rows.map((r) => [r.stage, r.median_seconds === null ? null : Math.round(r.median_seconds)]));
  }

  /** Sets or (value null) removes a target; a team supervisor only for their members (others: 404). Audited. */
  async setTarget(viewer: Viewer, userId: string, body: SetTargetRequest): Promise<void> {
    const visible = seesAll(viewer) ? true : scopeIds(viewer).includes(userId);
    if (!visible || (await this.read.people([userId])).length === 0)
      throw new AppError('USER_NOT_FOUND', 404, 'User not found');
    if (body.value === null) await this.targets.remove(userId, body.metric, body.period);
    else await this.targets.upsert(userId, body.metric, body.period, body.value, viewer.id);
    await this.audit?.record({
      actorId: viewer.id,
      action: 'analytics.target.set',
      entity: 'user',
      entityId: userId,
      details: { metric: body.metric, period: body.period, value: body.value },
    });
  }

  private async dashboards(ids: readonly string[], span: Span, tz: string): Promise<PersonalDashboardDto[]> {
    if (ids.length === 0) return [];
    const cal = await this.read.calendar(tz);
    const [people, period, today, month, targets] = await Promise.all([
      this.read.people(ids),
      this.figures(ids, span),
      this.figures(ids, { fromUtc: cal.dayFrom, toUtc: cal.dayTo }),
      this.figures(ids, { fromUtc: cal.monthFrom, toUtc: cal.monthTo }),
      this.targets.of(ids),
    ]);
    return people.map((p) => ({
      userId: p.id,
      name: p.name,
      extension: p.extension,
      today: today.get(p.id)!,
      period: period.get(p.id)!,
      targets: targets
        .filter((t) => t.user_id === p.id)
        .map((t) => {
          const actual = metricOf((t.period === 'day' ? today : month).get(p.id)!, t.metric);
          return {
            metric: t.metric,
            period: t.period,
            value: t.value,
            actual,
            progress: Math.round((actual / t.value) * 10_000) / 10_000,
            setBy: t.set_by_name,
            updatedAt: t.updated_at.toISOString(),
          };
        }),
    }));
  }

  private async figures(ids: readonly string[], span: Span): Promise<Map<string, PersonalFigures>> {
    const [inbound, dirs, crm] = await Promise.all([
      this.calls.operatorKpis({ ...span, members: [...ids] }),
      this.read.directions(span.fromUtc, span.toUtc, ids),
      this.read.personCrm(span.fromUtc, span.toUtc, ids),
    ]);
    const inByUser = new Map(inbound.map((r) => [r.user_id, r]));
    const crmByUser = new Map(crm.map((r) => [r.user_id, r]));
    const dirByUser = groupBy(dirs, (r) => r.user_id);
    return new Map(
      ids.map((id) => {
        const i = inByUser.get(id);
        const c = crmByUser.get(id);
        const outbound = direction(dirByUser.get(id), 'outbound');
        const internal = direction(dirByUser.get(id), 'internal');
        const handled = i?.handled ?? 0;
        return [
          id,
          {
            callsIn: handled,
            outbound,
            internal,
            talkSeconds: Math.round((i?.handle ?? 0) + outbound.talkSeconds + internal.talkSeconds),
            ahtSeconds: handled > 0 ? Math.round(((i!.handle + i!.wrap) / handled) * 100) / 100 : null,
            missedReturned: c?.missed_returned ?? 0,
            callbacksDue: c?.callbacks_due ?? 0,
            callbacksInTime: c?.callbacks_in_time ?? 0,
            callbacksInTimeRate: ratio(c?.callbacks_in_time ?? 0, c?.callbacks_due ?? 0),
            conversions: c?.conversions ?? 0,
            dealsWon: c?.deals_won ?? 0,
          },
        ];
      }),
    );
  }

  /** The people a team view lists: a named team (within the viewer's scope), the viewer's teams, or all operators. */
  private async members(q: AnalyticsQuery, viewer: Viewer): Promise<string[]> {
    if (q.teamId && this.teams) return this.teams.filterFor(viewer, q.teamId);
    if (!seesAll(viewer)) return scopeIds(viewer).filter((id) => id !== viewer.id);
    return this.read.operatorIds();
  }

  /** A filter for the reports over everyone: null = no filter. */
  private async filter(q: AnalyticsQuery, viewer: Viewer): Promise<string[] | null> {
    if (q.teamId && this.teams) return this.teams.filterFor(viewer, q.teamId);
    return seesAll(viewer) ? null : scopeIds(viewer);
  }

  private async resolve(q: AnalyticsQuery): Promise<{ range: AnalyticsRange; span: Span }> {
    const b = await boundsOf(this.calls, q);
    return {
      span: { fromUtc: b.fromUtc, toUtc: b.toUtc },
      range: { from: q.from, to: q.to, tz: q.tz, fromUtc: b.fromUtc.toISOString(), toUtc: b.toUtc.toISOString() },
    };
  }
}

function metricOf(f: PersonalFigures, metric: TargetMetric): number {
  switch (metric) {
    case 'calls-in':
      return f.callsIn;
    case 'calls-out':
      return f.outbound.attempts;
    case 'talk-seconds':
      return f.talkSeconds;
    case 'conversions':
      return f.conversions;
    case 'deals-won':
      return f.dealsWon;
  }
}

function direction(rows: readonly DirectionRow[] | undefined, dir: DirectionRow['direction']): DirectionFigures {
  const r = rows?.find((x) => x.direction === dir);
  return { attempts: r?.attempts ?? 0, connects: r?.connects ?? 0, talkSeconds: r?.talk ?? 0 };
}

function groupBy<T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const x of xs) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

const ratio = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);
