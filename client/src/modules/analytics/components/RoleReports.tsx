import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  type CallDirectionsReportDto,
  type DirectionFigures,
  type PersonalDashboardDto,
  type SalesReportDto,
  TARGET_METRICS,
  TARGET_PERIODS,
  type TargetMetric,
  type TargetPeriod,
} from '@contracts/dto/analytics-roles';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { setTarget } from '@client/modules/analytics/hooks/useRoleAnalytics';
import { formatCount, formatSeconds, formatShare } from '@client/modules/analytics/utils/formatKpi';
import { DataTable } from '@client/ui/DataTable';

/** Each operator's figures for the range, with their targets' progress; supervisors and admins may set targets. */
export function TeamTable({
  rows,
  canSetTargets,
  onChanged,
}: {
  rows: PersonalDashboardDto[];
  canSetTargets: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const n = (x: number) => formatCount(x, locale);
  return (
    <>
      <DataTable
        testId="analytics-team"
        columns={[
          { label: t('analytics.operators.operator') },
          { label: t('analyticsRoles.figures.callsIn'), numeric: true },
          { label: t('analyticsRoles.figures.callsOut'), numeric: true, title: t('analyticsRoles.formula.callsOut') },
          { label: t('analyticsRoles.figures.talk'), numeric: true },
          { label: t('analyticsRoles.figures.aht'), numeric: true },
          { label: t('analyticsRoles.figures.missedReturned'), numeric: true },
          { label: t('analyticsRoles.figures.callbacks'), numeric: true },
          { label: t('analyticsRoles.figures.conversions'), numeric: true },
          { label: t('analyticsRoles.figures.dealsWon'), numeric: true },
          { label: t('analyticsRoles.targets') },
        ]}
      >
        {rows.map((r) => (
          <tr key={r.userId} data-testid="analytics-team-row">
            <td>{r.name}</td>
            <td className="num">{n(r.period.callsIn)}</td>
            <td className="num">
              {n(r.period.outbound.connects)} / {n(r.period.outbound.attempts)}
            </td>
            <td className="num">{formatSeconds(r.period.talkSeconds, locale)}</td>
            <td className="num">{formatSeconds(r.period.ahtSeconds, locale)}</td>
            <td className="num">{n(r.period.missedReturned)}</td>
            <td className="num">{formatShare(r.period.callbacksInTimeRate, locale)}</td>
            <td className="num">{n(r.period.conversions)}</td>
            <td className="num">{n(r.period.dealsWon)}</td>
            <td>
              {r.targets
                .map(
                  (x) =>
                    `${t(`analyticsRoles.metrics.${x.metric}`)} (${t(`analyticsRoles.periods.${x.period}`)}): ` +
                    `${n(x.actual)}/${n(x.value)}`,
                )
                .join('; ')}
            </td>
          </tr>
        ))}
      </DataTable>
      {canSetTargets && rows.length > 0 && <TargetForm rows={rows} onChanged={onChanged} />}
    </>
  );
}

function TargetForm({ rows, onChanged }: { rows: PersonalDashboardDto[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [userId, setUserId] = useState(rows[0]!.userId);
  const [metric, setMetric] = useState<TargetMetric>('calls-in');
  const [period, setPeriod] = useState<TargetPeriod>('day');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await setTarget(userId, { metric, period, value: value === '' ? null : Number(value) });
      onChanged();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <form className="toolbar target-form" onSubmit={(e) => void submit(e)} data-testid="target-form">
      <select
        className="select"
        value={userId}
        onChange={(e) => setUserId(e.target.value)}
        aria-label={t('analytics.operators.operator')}
        data-testid="target-user"
      >
        {rows.map((r) => (
          <option key={r.userId} value={r.userId}>
            {r.name}
          </option>
        ))}
      </select>
      <select
        className="select"
        value={metric}
        onChange={(e) => setMetric(e.target.value as TargetMetric)}
        aria-label={t('analyticsRoles.metric')}
        data-testid="target-metric"
      >
        {TARGET_METRICS.map((m) => (
          <option key={m} value={m}>
            {t(`analyticsRoles.metrics.${m}`)}
          </option>
        ))}
      </select>
      <select
        className="select"
        value={period}
        onChange={(e) => setPeriod(e.target.value as TargetPeriod)}
        aria-label={t('analyticsRoles.period')}
        data-testid="target-period"
      >
        {TARGET_PERIODS.map((p) => (
          <option key={p} value={p}>
            {t(`analyticsRoles.periods.${p}`)}
          </option>
        ))}
      </select>
      <input
        className="input"
        type="number"
        min={1}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={t('analyticsRoles.valuePlaceholder')}
        aria-label={t('analyticsRoles.value')}
        data-testid="target-value"
      />
      <button className="btn" type="submit" data-testid="target-save">
        {t('analyticsRoles.setTarget')}
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

export function SalesTables({ report }: { report: SalesReportDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const n = (x: number) => formatCount(x, locale);
  const money = (a: { currency: string; amount: number }) =>
    new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { style: 'currency', currency: a.currency }).format(
      a.amount,
    );
  return (
    <>
      <DataTable
        testId="analytics-sales-owners"
        columns={[
          { label: t('analyticsRoles.sales.owner') },
          { label: t('analyticsRoles.sales.dealsCreated'), numeric: true },
          { label: t('analyticsRoles.sales.dealsWon'), numeric: true },
          { label: t('analyticsRoles.sales.dealsLost'), numeric: true },
          { label: t('analyticsRoles.sales.wonAmount'), numeric: true },
          { label: t('analyticsRoles.sales.leads'), numeric: true },
          { label: t('analyticsRoles.sales.leadsWithDeal'), numeric: true },
        ]}
      >
        {report.owners.map((o) => (
          <tr key={o.userId} data-testid="analytics-sales-owner">
            <td>{o.name}</td>
            <td className="num">{n(o.dealsCreated)}</td>
            <td className="num">{n(o.dealsWon)}</td>
            <td className="num">{n(o.dealsLost)}</td>
            <td className="num">{o.wonAmounts.map(money).join(', ') || '—'}</td>
            <td className="num">{n(o.leads)}</td>
            <td className="num">{n(o.leadsWithDeal)}</td>
          </tr>
        ))}
      </DataTable>
      <h3>{t('analyticsRoles.sales.channels')}</h3>
      <DataTable
        testId="analytics-lead-channels"
        columns={[
          { label: t('analyticsRoles.sales.channel') },
          { label: t('analyticsRoles.sales.leads'), numeric: true },
          { label: t('analyticsRoles.sales.leadsWithDeal'), numeric: true },
          { label: t('analyticsRoles.sales.conversion'), numeric: true, title: t('analyticsRoles.formula.conversion') },
        ]}
      >
        {report.channels.map((c) => (
          <tr key={c.channel} data-testid={`analytics-channel-${c.channel}`}>
            <td>{t(`analyticsRoles.channels.${c.channel}`)}</td>
            <td className="num">{n(c.leads)}</td>
            <td className="num">{n(c.withDeal)}</td>
            <td className="num">{formatShare(c.conversion, locale)}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

export function DirectionsTable({ report }: { report: CallDirectionsReportDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const cells = (d: DirectionFigures) => (
    <>
      <td className="num">{formatCount(d.attempts, locale)}</td>
      <td className="num">{formatCount(d.connects, locale)}</td>
      <td className="num">{formatSeconds(d.talkSeconds, locale)}</td>
    </>
  );
  const dir = (key: 'outbound' | 'internal') => t(`analyticsRoles.directions.${key}`);
  return (
    <DataTable
      testId="analytics-directions"
      columns={[
        { label: t('analytics.operators.operator') },
        { label: `${dir('outbound')}: ${t('analyticsRoles.directions.attempts')}`, numeric: true },
        { label: t('analyticsRoles.directions.connects'), numeric: true },
        { label: t('analyticsRoles.directions.talk'), numeric: true },
        { label: `${dir('internal')}: ${t('analyticsRoles.directions.attempts')}`, numeric: true },
        { label: t('analyticsRoles.directions.connects'), numeric: true },
        { label: t('analyticsRoles.directions.talk'), numeric: true },
      ]}
    >
      {report.rows.map((r) => (
        <tr key={r.userId} data-testid="analytics-direction-row">
          <td>{r.name}</td>
          {cells(r.outbound)}
          {cells(r.internal)}
        </tr>
      ))}
      <tr className="table-total" data-testid="analytics-direction-total">
        <td>{t('analyticsRoles.directions.total')}</td>
        {cells(report.totals.outbound)}
        {cells(report.totals.internal)}
      </tr>
    </DataTable>
  );
}
