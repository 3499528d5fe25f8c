import {
  type AnalyticsSummaryDto,
  type DailyRowDto,
  type LeadSourceRowDto,
  type HeatmapCellDto,
  type OperatorRowDto,
  type QueueRowDto,
} from '@contracts/dto/analytics';
import { type ExportTable } from '@server/modules/analytics/analytics.export';

interface MetricRow {
  metric: string;
  value: number | string | boolean | null;
  formula: string;
}

/** The summary as a metric/value/formula table, so its export carries the definitions with the numbers. */
export function summaryTable(s: AnalyticsSummaryDto): ExportTable<MetricRow> {
  const { calls: c, crm, occupancy: o, params: p } = s;
  const rows: MetricRow[] = [
    { metric: 'from', value: s.range.from, formula: `wall clock in ${s.range.tz}, inclusive (${s.range.fromUtc})` },
    { metric: 'to', value: s.range.to, formula: `wall clock in ${s.range.tz}, exclusive (${s.range.toUtc})` },
    { metric: 'offered', value: c.offered, formula: 'inbound calls that started in the range and ended' },
    { metric: 'answered', value: c.answered, formula: 'offered calls an operator answered' },
    { metric: 'missed', value: c.missed, formula: 'nobody answered before the ring or queue timeout' },
    {
      metric: 'abandoned',
      value: c.abandoned,
      formula: `caller hung up first after waiting >= ${p.shortAbandonSeconds} s`,
    },
    {
      metric: 'shortAbandoned',
      value: c.shortAbandoned,
      formula: `caller hung up within < ${p.shortAbandonSeconds} s; excluded from abandoned and SL`,
    },
    { metric: 'transferred', value: c.transferred, formula: 'calls with at least one transfer (counted once)' },
    {
      metric: 'serviceLevel',
      value: c.serviceLevel,
      formula: `answered with wait <= ${p.slSeconds} s / (offered - shortAbandoned); target ${p.slTarget} %`,
    },
    { metric: 'slMet', value: c.slMet, formula: `serviceLevel >= ${p.slTarget} %` },
    { metric: 'abandonRate', value: c.abandonRate, formula: 'abandoned / (offered - shortAbandoned)' },
    { metric: 'asaSeconds', value: c.asaSeconds, formula: 'mean wait of answered calls' },
    { metric: 'ahtSeconds', value: c.ahtSeconds, formula: '(talk + hold + wrap-up) / answered' },
    { metric: 'talkSeconds', value: c.talkSeconds, formula: 'sum of (talk_seconds - hold_seconds), answered calls' },
    { metric: 'holdSeconds', value: c.holdSeconds, formula: 'sum of hold, answered calls' },
    {
      metric: 'wrapUpSeconds',
      value: c.wrapUpSeconds,
      formula: 'wrap_up_at - ended_at (<= 600 s) or the queue wrap-up setting',
    },
    {
      metric: 'occupancy',
      value: o.occupancy,
      formula: '(on-call + ringing + wrap-up) / (that + available), agent state history',
    },
    {
      metric: 'callbacksInTimeRate',
      value: crm.callbacksInTimeRate,
      formula: 'callback tasks due in the range done by due_at / callback tasks due',
    },
    { metric: 'callbacksDue', value: crm.callbacksDue, formula: 'callback tasks due in the range' },
    { metric: 'callbacksOpen', value: crm.callbacksOpen, formula: 'of those, not done' },
    { metric: 'leadsFromCalls', value: crm.leadsFromCalls, formula: "leads created in the range with source 'call'" },
    {
      metric: 'leadToDealConversion',
      value: crm.leadToDealConversion,
      formula: 'leads created in the range now converted / leads created in the range',
    },
    ...crm.averageDealAmount.map((d) => ({
      metric: `averageDealAmount ${d.currency}`,
      value: d.average,
      formula: `mean amount of ${d.deals} deals won in the range`,
    })),
  ];
  return {
    name: 'summary',
    rows,
    columns: [
      { header: 'metric', value: (r) => r.metric },
      { header: 'value', value: (r) => r.value },
      { header: 'formula', value: (r) => r.formula },
    ],
  };
}

export function operatorsTable(rows: OperatorRowDto[]): ExportTable<OperatorRowDto> {
  return {
    name: 'operators',
    rows,
    columns: [
      { header: 'operator', value: (r) => r.name },
      { header: 'extension', value: (r) => r.extension },
      { header: 'handled', value: (r) => r.handled },
      { header: 'answered', value: (r) => r.answered },
      { header: 'transfers in', value: (r) => r.transfersIn },
      { header: 'handle s', value: (r) => r.handleSeconds },
      { header: 'hold s', value: (r) => r.holdSeconds },
      { header: 'wrap-up s', value: (r) => r.wrapUpSeconds },
      { header: 'AHT s', value: (r) => r.ahtSeconds },
      { header: 'ASA s', value: (r) => r.asaSeconds },
      { header: 'occupancy', value: (r) => r.occupancy },
    ],
  };
}

export function queuesTable(rows: QueueRowDto[]): ExportTable<QueueRowDto> {
  return {
    name: 'queues',
    rows,
    columns: [
      { header: 'queue', value: (r) => r.queue ?? '(direct)' },
      { header: 'offered', value: (r) => r.offered },
      { header: 'answered', value: (r) => r.answered },
      { header: 'missed', value: (r) => r.missed },
      { header: 'abandoned', value: (r) => r.abandoned },
      { header: 'short abandoned', value: (r) => r.shortAbandoned },
      { header: 'service level', value: (r) => r.serviceLevel },
      { header: 'abandon rate', value: (r) => r.abandonRate },
      { header: 'ASA s', value: (r) => r.asaSeconds },
      { header: 'AHT s', value: (r) => r.ahtSeconds },
    ],
  };
}

export function heatmapTable(rows: HeatmapCellDto[]): ExportTable<HeatmapCellDto> {
  return {
    name: 'heatmap',
    rows,
    columns: [
      { header: 'weekday (1=Mon)', value: (r) => r.weekday },
      { header: 'hour', value: (r) => r.hour },
      { header: 'offered', value: (r) => r.offered },
      { header: 'answered', value: (r) => r.answered },
      { header: 'abandoned', value: (r) => r.abandoned },
      { header: 'avg wait s', value: (r) => r.avgWaitSeconds },
    ],
  };
}

export function leadSourcesTable(rows: LeadSourceRowDto[]): ExportTable<LeadSourceRowDto> {
  return {
    name: 'lead-sources',
    rows,
    columns: [
      { header: 'source', value: (r) => r.source },
      { header: 'utm_source', value: (r) => r.utmSource },
      { header: 'utm_medium', value: (r) => r.utmMedium },
      { header: 'utm_campaign', value: (r) => r.utmCampaign },
      { header: 'leads', value: (r) => r.leads },
      { header: 'converted', value: (r) => r.converted },
    ],
  };
}

export function dailyTable(rows: DailyRowDto[]): ExportTable<DailyRowDto> {
  return {
    name: 'daily',
    rows,
    columns: [
      { header: 'date', value: (r) => r.date },
      { header: 'offered', value: (r) => r.offered },
      { header: 'answered', value: (r) => r.answered },
      { header: 'abandoned', value: (r) => r.abandoned },
      { header: 'short abandoned', value: (r) => r.shortAbandoned },
      { header: 'service level', value: (r) => r.serviceLevel },
    ],
  };
}
