import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { DEFAULT_ANALYTICS_TZ } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatTimeZone } from '@client/i18n/format';
import { useAnalytics } from '@client/modules/analytics/hooks/useAnalytics';
import { DailyChart } from '@client/modules/analytics/components/DailyChart';
import { ExportButtons } from '@client/modules/analytics/components/ExportButtons';
import { Heatmap } from '@client/modules/analytics/components/Heatmap';
import { HourlyChart } from '@client/modules/analytics/components/HourlyChart';
import { KpiTiles } from '@client/modules/analytics/components/KpiTiles';
import { OperatorsTable } from '@client/modules/analytics/components/OperatorsTable';
import { QueuesTable } from '@client/modules/analytics/components/QueuesTable';
import { RangePicker } from '@client/modules/analytics/components/RangePicker';
import { defaultRange, heatmapMatrix, type RangeInput } from '@client/modules/analytics/utils/analyticsRange';
import { QueryView } from '@client/ui/QueryView';
import '@client/modules/analytics/analytics.css';

function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card analytics-section">
      <div className="analytics-section__head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** `#/analytics`: the managers' dashboard (manager, supervisor, admin; the server refuses operators). */
export function AnalyticsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [range, setRange] = useState<RangeInput>(() => defaultRange(DEFAULT_ANALYTICS_TZ));
  const data = useAnalytics(range);
  const heat = data.heatmap.data;
  const matrix = useMemo(() => heatmapMatrix(heat?.rows ?? []), [heat]);
  return (
    <div className="analytics" data-testid="analytics-page">
      <div className="page-header">
        <h1>{t('analytics.title')}</h1>
      </div>
      <RangePicker value={range} onChange={setRange} />
      <p className="muted analytics-note">{t('analytics.note')}</p>
      <p className="muted analytics-note" data-testid="analytics-wallboard-note">
        {t('analytics.wallboardNote', { tz: formatTimeZone(DEFAULT_ANALYTICS_TZ, locale) })}
      </p>
      <Section title={t('analytics.sections.kpis')} actions={<ExportButtons report="summary" range={range} />}>
        <QueryView {...data.summary} isEmpty={() => false}>
          {(s) => <KpiTiles summary={s} />}
        </QueryView>
      </Section>
      <Section title={t('analytics.sections.daily')} actions={<ExportButtons report="daily" range={range} />}>
        <QueryView {...data.daily} isEmpty={(d) => d.rows.length === 0}>
          {(d) => <DailyChart rows={d.rows} />}
        </QueryView>
      </Section>
      <Section title={t('analytics.sections.heatmap')} actions={<ExportButtons report="heatmap" range={range} />}>
        <QueryView {...data.heatmap} isEmpty={(h) => h.rows.length === 0}>
          {() => (
            <>
              <HourlyChart byHour={matrix.byHour} />
              <Heatmap matrix={matrix} />
            </>
          )}
        </QueryView>
      </Section>
      <Section title={t('analytics.sections.operators')} actions={<ExportButtons report="operators" range={range} />}>
        <QueryView {...data.operators} isEmpty={(r) => r.rows.length === 0}>
          {(r) => <OperatorsTable rows={r.rows} />}
        </QueryView>
      </Section>
      <Section title={t('analytics.sections.queues')} actions={<ExportButtons report="queues" range={range} />}>
        <QueryView {...data.queues} isEmpty={(r) => r.rows.length === 0}>
          {(r) => <QueuesTable rows={r.rows} />}
        </QueryView>
      </Section>
    </div>
  );
}
