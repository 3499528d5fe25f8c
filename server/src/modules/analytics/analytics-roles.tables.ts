import {
  type CallDirectionsReportDto,
  type DirectionFigures,
  type PersonalDashboardDto,
  type PersonalFigures,
  type SalesReportDto,
} from '@contracts/dto/analytics-roles';
import { type ExportColumn, type ExportTable } from '@server/common/export/table-export';
import { type AnalyticsExportTexts } from '@server/modules/analytics/analytics.export-texts';

type Texts = AnalyticsExportTexts['people'];

interface DashboardRow {
  dashboard: PersonalDashboardDto;
  period: string;
  figures: PersonalFigures;
}

interface DirectionsRow {
  name: string;
  outbound: DirectionFigures;
  internal: DirectionFigures;
}

const directionColumns = <Row extends { outbound: DirectionFigures; internal: DirectionFigures }>(
  h: Texts,
): ExportColumn<Row>[] => [
  { header: h.outboundAttempts, value: (r) => r.outbound.attempts },
  { header: h.outboundConnects, value: (r) => r.outbound.connects },
  { header: h.outboundTalk, value: (r) => r.outbound.talkSeconds },
  { header: h.internalAttempts, value: (r) => r.internal.attempts },
  { header: h.internalConnects, value: (r) => r.internal.connects },
  { header: h.internalTalk, value: (r) => r.internal.talkSeconds },
];

/** Personal dashboards (my-stats, team): per person a row for today and a row for the asked range. */
export function dashboardsTable(
  name: 'my-stats' | 'team',
  dashboards: readonly PersonalDashboardDto[],
  { people: h }: AnalyticsExportTexts,
): ExportTable<DashboardRow> {
  const rows = dashboards.flatMap((dashboard) => [
    { dashboard, period: h.today, figures: dashboard.today },
    { dashboard, period: h.range, figures: dashboard.period },
  ]);
  const figures = directionColumns<PersonalFigures>(h);
  return {
    name,
    rows,
    columns: [
      { header: h.name, value: (r) => r.dashboard.name },
      { header: h.extension, value: (r) => r.dashboard.extension },
      { header: h.period, value: (r) => r.period },
      { header: h.callsIn, value: (r) => r.figures.callsIn },
      ...figures.map((c) => ({ header: c.header, value: (r: DashboardRow) => c.value(r.figures) })),
      { header: h.talkSeconds, value: (r) => r.figures.talkSeconds },
      { header: h.aht, value: (r) => r.figures.ahtSeconds },
      { header: h.missedReturned, value: (r) => r.figures.missedReturned },
      { header: h.callbacksDue, value: (r) => r.figures.callbacksDue },
      { header: h.callbacksInTime, value: (r) => r.figures.callbacksInTime },
      { header: h.callbacksInTimeRate, value: (r) => r.figures.callbacksInTimeRate },
      { header: h.conversions, value: (r) => r.figures.conversions },
      { header: h.dealsWon, value: (r) => r.figures.dealsWon },
    ],
  };
}

interface SalesRow {
  name: string;
  dealsCreated: number | null;
  dealsWon: number | null;
  dealsLost: number | null;
  wonAmounts: string | null;
  leads: number;
  leadsWithDeal: number;
  conversion: number | null;
}

/** Sales per owner, then one row per lead channel (`channel: call` …) with its lead → deal conversion. */
export function salesTable(report: SalesReportDto, { people: h }: AnalyticsExportTexts): ExportTable<SalesRow> {
  const rows: SalesRow[] = [
    ...report.owners.map((o) => ({
      name: o.name,
      dealsCreated: o.dealsCreated,
      dealsWon: o.dealsWon,
      dealsLost: o.dealsLost,
      wonAmounts: o.wonAmounts.map((a) => `${a.amount} ${a.currency}`).join('; '),
      leads: o.leads,
      leadsWithDeal: o.leadsWithDeal,
      conversion: o.leads > 0 ? Math.round((o.leadsWithDeal / o.leads) * 10_000) / 10_000 : null,
    })),
    ...report.channels.map((c) => ({
      name: `${h.channel}: ${c.channel}`,
      dealsCreated: null,
      dealsWon: null,
      dealsLost: null,
      wonAmounts: null,
      leads: c.leads,
      leadsWithDeal: c.withDeal,
      conversion: c.conversion,
    })),
  ];
  return {
    name: 'sales',
    rows,
    columns: [
      { header: h.name, value: (r) => r.name },
      { header: h.dealsCreated, value: (r) => r.dealsCreated },
      { header: h.dealsWon, value: (r) => r.dealsWon },
      { header: h.dealsLost, value: (r) => r.dealsLost },
      { header: h.wonAmounts, value: (r) => r.wonAmounts },
      { header: h.leads, value: (r) => r.leads },
      { header: h.leadsWithDeal, value: (r) => r.leadsWithDeal },
      { header: h.conversion, value: (r) => r.conversion },
    ],
  };
}

/** Outbound and internal calls per person, then the totals (each call once). */
export function callDirectionsTable(
  report: CallDirectionsReportDto,
  { people: h }: AnalyticsExportTexts,
): ExportTable<DirectionsRow> {
  return {
    name: 'call-directions',
    rows: [...report.rows, { name: h.totals, ...report.totals }],
    columns: [{ header: h.name, value: (r) => r.name }, ...directionColumns<DirectionsRow>(h)],
  };
}
