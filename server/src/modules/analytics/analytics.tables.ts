import {
  type AnalyticsSummaryDto,
  type CampaignResultRowDto,
  type CampaignResultsReportDto,
  type DailyRowDto,
  type LeadSourceRowDto,
  type FunnelStageDto,
  type HeatmapCellDto,
  type OperatorRowDto,
  type QueueRowDto,
} from '@contracts/dto/analytics';
import { type ExportTable } from '@server/common/export/table-export';
import { type AnalyticsExportTexts } from '@server/modules/analytics/analytics.export-texts';

interface MetricRow {
  metric: string;
  value: number | string | null;
  formula: string;
}

/** The summary as a metric/value/formula table, so its export carries the definitions with the numbers. */
export function summaryTable(s: AnalyticsSummaryDto, x: AnalyticsExportTexts): ExportTable<MetricRow> {
  const { calls: c, crm, occupancy: o, params } = s;
  const p = { ...params, tz: s.range.tz, fromUtc: s.range.fromUtc, toUtc: s.range.toUtc };
  const m = x.metrics;
  const f = x.formulas;
  const rows: MetricRow[] = [
    { metric: m.from, value: s.range.from, formula: f.from(p) },
    { metric: m.to, value: s.range.to, formula: f.to(p) },
    { metric: m.offered, value: c.offered, formula: f.offered },
    { metric: m.answered, value: c.answered, formula: f.answered },
    { metric: m.missed, value: c.missed, formula: f.missed },
    { metric: m.abandoned, value: c.abandoned, formula: f.abandoned(p) },
    { metric: m.shortAbandoned, value: c.shortAbandoned, formula: f.shortAbandoned(p) },
    { metric: m.transferred, value: c.transferred, formula: f.transferred },
    { metric: m.serviceLevel, value: c.serviceLevel, formula: f.serviceLevel(p) },
    { metric: m.slMet, value: c.slMet === null ? null : c.slMet ? x.yes : x.no, formula: f.slMet(p) },
    { metric: m.abandonRate, value: c.abandonRate, formula: f.abandonRate },
    { metric: m.asa, value: c.asaSeconds, formula: f.asa },
    { metric: m.aht, value: c.ahtSeconds, formula: f.aht },
    { metric: m.talk, value: c.talkSeconds, formula: f.talk },
    { metric: m.hold, value: c.holdSeconds, formula: f.hold },
    { metric: m.wrapUp, value: c.wrapUpSeconds, formula: f.wrapUp },
    { metric: m.occupancy, value: o.occupancy, formula: f.occupancy },
    { metric: m.callbacksInTime, value: crm.callbacksInTimeRate, formula: f.callbacksInTime },
    { metric: m.callbacksDue, value: crm.callbacksDue, formula: f.callbacksDue },
    { metric: m.callbacksOpen, value: crm.callbacksOpen, formula: f.callbacksOpen },
    { metric: m.leadsFromCalls, value: crm.leadsFromCalls, formula: f.leadsFromCalls },
    { metric: m.contactConversion, value: crm.leadToContactConversion, formula: f.contactConversion },
    { metric: m.conversion, value: crm.leadToDealConversion, formula: f.conversion },
    { metric: m.wonConversion, value: crm.leadToWonDealConversion, formula: f.wonConversion },
    ...crm.averageDealAmount.map((d) => ({
      metric: m.averageDeal(d.currency),
      value: d.average,
      formula: f.averageDeal(d.deals),
    })),
  ];
  return {
    name: 'summary',
    rows,
    columns: [
      { header: x.summary.metric, value: (r) => r.metric },
      { header: x.summary.value, value: (r) => r.value },
      { header: x.summary.formula, value: (r) => r.formula },
    ],
  };
}

export function operatorsTable(
  rows: OperatorRowDto[],
  { columns: h }: AnalyticsExportTexts,
): ExportTable<OperatorRowDto> {
  return {
    name: 'operators',
    rows,
    columns: [
      { header: h.operator, value: (r) => r.name },
      { header: h.extension, value: (r) => r.extension },
      { header: h.handled, value: (r) => r.handled },
      { header: h.answered, value: (r) => r.answered },
      { header: h.transfersIn, value: (r) => r.transfersIn },
      { header: h.handleSeconds, value: (r) => r.handleSeconds },
      { header: h.holdSeconds, value: (r) => r.holdSeconds },
      { header: h.wrapUpSeconds, value: (r) => r.wrapUpSeconds },
      { header: h.ahtSeconds, value: (r) => r.ahtSeconds },
      { header: h.asaSeconds, value: (r) => r.asaSeconds },
      { header: h.occupancy, value: (r) => r.occupancy },
    ],
  };
}

export function queuesTable(rows: QueueRowDto[], { columns: h }: AnalyticsExportTexts): ExportTable<QueueRowDto> {
  return {
    name: 'queues',
    rows,
    columns: [
      { header: h.queue, value: (r) => r.queue ?? h.direct },
      { header: h.offered, value: (r) => r.offered },
      { header: h.answered, value: (r) => r.answered },
      { header: h.missed, value: (r) => r.missed },
      { header: h.abandoned, value: (r) => r.abandoned },
      { header: h.shortAbandoned, value: (r) => r.shortAbandoned },
      { header: h.serviceLevel, value: (r) => r.serviceLevel },
      { header: h.abandonRate, value: (r) => r.abandonRate },
      { header: h.asaSeconds, value: (r) => r.asaSeconds },
      { header: h.ahtSeconds, value: (r) => r.ahtSeconds },
    ],
  };
}

export function heatmapTable(
  rows: HeatmapCellDto[],
  { columns: h }: AnalyticsExportTexts,
): ExportTable<HeatmapCellDto> {
  return {
    name: 'heatmap',
    rows,
    columns: [
      { header: h.weekday, value: (r) => r.weekday },
      { header: h.hour, value: (r) => r.hour },
      { header: h.offered, value: (r) => r.offered },
      { header: h.answered, value: (r) => r.answered },
      { header: h.abandoned, value: (r) => r.abandoned },
      { header: h.avgWaitSeconds, value: (r) => r.avgWaitSeconds },
    ],
  };
}

export function leadSourcesTable(
  rows: LeadSourceRowDto[],
  { columns: h }: AnalyticsExportTexts,
): ExportTable<LeadSourceRowDto> {
  return {
    name: 'lead-sources',
    rows,
    columns: [
      { header: h.source, value: (r) => r.source },
      { header: h.utmSource, value: (r) => r.utmSource },
      { header: h.utmMedium, value: (r) => r.utmMedium },
      { header: h.utmCampaign, value: (r) => r.utmCampaign },
      { header: h.leads, value: (r) => r.leads },
      { header: h.converted, value: (r) => r.converted },
    ],
  };
}

export function dailyTable(rows: DailyRowDto[], { columns: h }: AnalyticsExportTexts): ExportTable<DailyRowDto> {
  return {
    name: 'daily',
    rows,
    columns: [
      { header: h.date, value: (r) => r.date },
      { header: h.offered, value: (r) => r.offered },
      { header: h.answered, value: (r) => r.answered },
      { header: h.abandoned, value: (r) => r.abandoned },
      { header: h.shortAbandoned, value: (r) => r.shortAbandoned },
      { header: h.serviceLevel, value: (r) => r.serviceLevel },
    ],
  };
}

export function funnelTable(
  stages: FunnelStageDto[],
  { funnel: h }: AnalyticsExportTexts,
): ExportTable<FunnelStageDto> {
  return {
    name: 'funnel',
    rows: stages,
    columns: [
      { header: h.stage, value: (s) => s[h.stageName] },
      { header: h.kind, value: (s) => s.kind },
      { header: h.probability, value: (s) => s.probability },
      { header: h.deals, value: (s) => s.deals },
      { header: h.reached, value: (s) => s.reached },
      { header: h.conversion, value: (s) => s.conversion },
      { header: h.amounts, value: (s) => s.amounts.map((a) => `${a.amount} ${a.currency}`).join('; ') },
    ],
  };
}

/** Per campaign; the conversion window is in its header, so the file says what a conversion was. */
export function campaignsTable(
  report: CampaignResultsReportDto,
  { campaigns: h }: AnalyticsExportTexts,
): ExportTable<CampaignResultRowDto> {
  return {
    name: 'campaigns',
    rows: report.rows,
    columns: [
      { header: h.campaign, value: (r) => r.name },
      { header: h.attempts, value: (r) => r.attempts },
      { header: h.contacts, value: (r) => r.contacts },
      { header: h.contactRate, value: (r) => r.contactRate },
      { header: h.contactedRecords, value: (r) => r.contactedRecords },
      { header: h.conversions(report.conversionDays), value: (r) => r.conversions },
      { header: h.conversionRate, value: (r) => r.conversionRate },
    ],
  };
}
