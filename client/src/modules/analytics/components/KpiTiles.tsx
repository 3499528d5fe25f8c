import { useTranslation } from 'react-i18next';

import { type AnalyticsSummaryDto } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatMoney } from '@client/i18n/format';
import { formatCount, formatSeconds, formatShare } from '@client/modules/analytics/utils/formatKpi';

interface Tile {
  key: string;
  value: string;
  /** Shown under the value: how the figure is computed, with this request's thresholds. */
  formula: string;
  tone?: 'good' | 'bad';
}

/** Every headline figure with its formula written beside it, as the managers asked. */
export function KpiTiles({ summary }: { summary: AnalyticsSummaryDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { calls: c, crm, occupancy, params: p } = summary;
  const vars = { sl: p.slSeconds, target: p.slTarget, short: p.shortAbandonSeconds };
  const tiles: Tile[] = [
    { key: 'offered', value: formatCount(c.offered, locale), formula: t('analytics.formula.offered') },
    { key: 'answered', value: formatCount(c.answered, locale), formula: t('analytics.formula.answered') },
    { key: 'missed', value: formatCount(c.missed, locale), formula: t('analytics.formula.missed') },
    {
      key: 'abandoned',
      value: `${formatCount(c.abandoned, locale)} (+${formatCount(c.shortAbandoned, locale)})`,
      formula: t('analytics.formula.abandoned', vars),
    },
    {
      key: 'serviceLevel',
      value: formatShare(c.serviceLevel, locale),
      formula: t('analytics.formula.serviceLevel', vars),
      tone: c.slMet === null ? undefined : c.slMet ? 'good' : 'bad',
    },
    { key: 'abandonRate', value: formatShare(c.abandonRate, locale), formula: t('analytics.formula.abandonRate') },
    { key: 'asa', value: formatSeconds(c.asaSeconds, locale), formula: t('analytics.formula.asa') },
    { key: 'aht', value: formatSeconds(c.ahtSeconds, locale), formula: t('analytics.formula.aht') },
    { key: 'occupancy', value: formatShare(occupancy.occupancy, locale), formula: t('analytics.formula.occupancy') },
    { key: 'transferred', value: formatCount(c.transferred, locale), formula: t('analytics.formula.transferred') },
    {
      key: 'callbacks',
      value: `${formatShare(crm.callbacksInTimeRate, locale)} (${formatCount(crm.callbacksDoneInTime, locale)}/${formatCount(crm.callbacksDue, locale)})`,
      formula: t('analytics.formula.callbacks'),
    },
    {
      key: 'leadsFromCalls',
      value: formatCount(crm.leadsFromCalls, locale),
      formula: t('analytics.formula.leadsFromCalls'),
    },
    {
      key: 'contactConversion',
      value: formatShare(crm.leadToContactConversion, locale),
      formula: t('analytics.formula.contactConversion'),
    },
    {
      key: 'conversion',
      value: formatShare(crm.leadToDealConversion, locale),
      formula: t('analytics.formula.conversion'),
    },
    {
      key: 'wonConversion',
      value: formatShare(crm.leadToWonDealConversion, locale),
      formula: t('analytics.formula.wonConversion'),
    },
    {
      key: 'averageDeal',
      value: crm.averageDealAmount.length
        ? crm.averageDealAmount.map((d) => formatMoney(d.average, locale, d.currency)).join(' · ')
        : '—',
      formula: t('analytics.formula.averageDeal'),
    },
  ];
  return (
    <ul className="kpi-tiles" data-testid="analytics-kpis">
      {tiles.map((tile) => (
        <li
          key={tile.key}
          className={`kpi-tile ${tile.tone ? `kpi-tile--${tile.tone}` : ''}`}
          data-testid={`kpi-${tile.key}`}
        >
          <span className="kpi-tile__label">{t(`analytics.kpi.${tile.key}`)}</span>
          <span className="kpi-tile__value">{tile.value}</span>
          <span className="kpi-tile__formula">{tile.formula}</span>
        </li>
      ))}
    </ul>
  );
}
