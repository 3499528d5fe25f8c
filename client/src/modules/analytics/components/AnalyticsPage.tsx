import { type ReactNode, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { DEFAULT_ANALYTICS_TZ } from '@contracts/dto/analytics';
import { settingsApi } from '@client/api/crmApi';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatTimeZone } from '@client/i18n/format';
import { useAnalytics } from '@client/modules/analytics/hooks/useAnalytics';
import { FunnelChart } from '@client/modules/analytics/components/FunnelChart';
import { usePipelines } from '@client/modules/deals/hooks/usePipelines';
import { stageName } from '@client/modules/deals/utils/board';
import { TeamFilter } from '@client/modules/teams/components/TeamFilter';
import { useTeams } from '@client/modules/teams/hooks/useTeams';
import { CampaignResultsTable } from '@client/modules/analytics/components/CampaignResultsTable';
import { DailyChart } from '@client/modules/analytics/components/DailyChart';
import { ExportButtons } from '@client/modules/analytics/components/ExportButtons';
import { Heatmap } from '@client/modules/analytics/components/Heatmap';
import { HourlyChart } from '@client/modules/analytics/components/HourlyChart';
import { KpiTiles } from '@client/modules/analytics/components/KpiTiles';
import { OperatorsTable } from '@client/modules/analytics/components/OperatorsTable';
import { QueuesTable } from '@client/modules/analytics/components/QueuesTable';
import { RangePicker } from '@client/modules/analytics/components/RangePicker';
import { DirectionsTable, SalesTables, TeamTable } from '@client/modules/analytics/components/RoleReports';
import { useRoleReports } from '@client/modules/analytics/hooks/useRoleAnalytics';
import { useSession } from '@client/modules/auth/states/sessionContext';
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

/** `#/analytics` in the company's time zone (a setting) once it is known. */
export function AnalyticsPage() {
  const settings = useQuery('settings', (signal) => settingsApi.get(signal));
  if (!settings.data && !settings.error) return null;
  return <AnalyticsDashboard timeZone={settings.data?.timeZone ?? DEFAULT_ANALYTICS_TZ} />;
}

/** The managers' dashboard (manager, supervisor, admin; the server refuses operators). */
function AnalyticsDashboard({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const pipelineSelect = useId();
  const [range, setRange] = useState<RangeInput>(() => defaultRange(timeZone));
  const [teamId, setTeamId] = useState('');
  const [pipelineId, setPipelineId] = useState('');
  const teams = useTeams(true);
  const { pipelines } = usePipelines(null);
  const data = useAnalytics(range, teamId, pipelineId);
  const roles = useRoleReports(range, teamId);
  const { user } = useSession();
  const heat = data.heatmap.data;
  const matrix = useMemo(() => heatmapMatrix(heat?.rows ?? []), [heat]);
  return (
    <div className="analytics" data-testid="analytics-page">
      <div className="page-header">
        <h1>{t('analytics.title')}</h1>
      </div>
      <RangePicker value={range} onChange={setRange} />
      <div className="toolbar">
        <TeamFilter teams={teams} value={teamId} onChange={setTeamId} testId="analytics-team" />
      </div>
      <p className="muted analytics-note">{t('analytics.note')}</p>
      <p className="muted analytics-note" data-testid="analytics-wallboard-note">
        {t('analytics.wallboardNote', { tz: formatTimeZone(timeZone, locale) })}
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
      <Section title={t('analyticsRoles.sections.team')}>
        <QueryView {...roles.team} isEmpty={(r) => r.rows.length === 0}>
          {(r) => (
            <TeamTable
              rows={r.rows}
              canSetTargets={user?.role === 'supervisor' || user?.role === 'admin'}
              onChanged={roles.team.reload}
            />
          )}
        </QueryView>
      </Section>
      <Section title={t('analyticsRoles.sections.directions')}>
        <QueryView {...roles.directions} isEmpty={() => false}>
          {(r) => <DirectionsTable report={r} />}
        </QueryView>
      </Section>
      <Section title={t('analyticsRoles.sections.sales')}>
        <QueryView {...roles.sales} isEmpty={(r) => r.owners.length === 0 && r.channels.length === 0}>
          {(r) => <SalesTables report={r} />}
        </QueryView>
      </Section>
      <Section title={t('analytics.sections.queues')} actions={<ExportButtons report="queues" range={range} />}>
        <QueryView {...data.queues} isEmpty={(r) => r.rows.length === 0}>
          {(r) => <QueuesTable rows={r.rows} />}
        </QueryView>
      </Section>
      <Section title={t('analytics.sections.campaigns')} actions={<ExportButtons report="campaigns" range={range} />}>
        <QueryView {...data.campaigns} isEmpty={(r) => r.rows.length === 0}>
          {(r) => (
            <>
              <p className="muted" data-testid="analytics-campaigns-note">
                {t('analytics.campaigns.note', { days: r.conversionDays })}
              </p>
              <CampaignResultsTable rows={r.rows} />
            </>
          )}
        </QueryView>
      </Section>
      <Section
        title={t('analytics.sections.funnel')}
        actions={
          <label className="field field--inline" htmlFor={pipelineSelect}>
            <span className="field__label">{t('deals.pipeline')}</span>
            <select
              id={pipelineSelect}
              className="select"
              value={pipelineId}
              onChange={(e) => setPipelineId(e.target.value)}
              data-testid="analytics-pipeline"
            >
              {pipelines.map((p) => (
                <option key={p.id} value={p.isDefault ? '' : p.id}>
                  {stageName(p, locale)}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <p className="muted">{t('analytics.funnel.note')}</p>
        <QueryView {...data.funnel} isEmpty={() => false}>
          {(f) => <FunnelChart report={f} />}
        </QueryView>
      </Section>
    </div>
  );
}
