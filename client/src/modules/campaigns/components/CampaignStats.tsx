import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import {
  CAMPAIGN_ATTEMPT_OUTCOMES,
  CAMPAIGN_RECORD_STATES,
  type CampaignDto,
  type CampaignStatsDto,
} from '@contracts/dto/campaign';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDuration, formatNumber } from '@client/i18n/format';
import { campaignsApi } from '@client/modules/campaigns/api/campaignsApi';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

/** How often a running campaign's results are fetched again. */
const STATS_POLL_MS = 5000;
const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** A campaign's results over its whole life: tiles, attempts per outcome, results per disposition, a CSV download. */
export function CampaignStats({ campaign, onClose }: { campaign: CampaignDto; onClose: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const stats = useQuery(`campaign:${campaign.id}:stats`, (signal) => campaignsApi.stats(campaign.id, signal));
  const { reload } = stats;
  const running = (stats.data?.status ?? campaign.status) === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, STATS_POLL_MS);
    return () => clearInterval(timer);
  }, [running, reload]);
  return (
    <section className="card card__body stack" data-testid="campaign-stats">
      <header className="page-head">
        <h2>{t('campaigns.stats.title', { name: campaign.name })}</h2>
        <span>
          <a
            className="btn btn--small"
            href={campaignsApi.statsCsvHref(campaign.id, locale)}
            download
            data-testid="campaign-stats-csv"
          >
            {t('campaigns.stats.csv')}
          </a>{' '}
          <button type="button" className="btn btn--small btn--ghost" onClick={onClose}>
            {t('common.close')}
          </button>
        </span>
      </header>
      <QueryView {...stats} isEmpty={() => false}>
        {(s) => <StatsBody stats={s} />}
      </QueryView>
    </section>
  );
}

function StatsBody({ stats: s }: { stats: CampaignStatsDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const n = (v: number) => formatNumber(v, locale);
  const tiles = [
    ...CAMPAIGN_RECORD_STATES.map((state) => ({
      key: state,
      label: t(`campaigns.states.${state}`),
      value: n(s.records[state]),
    })),
    { key: 'attempts', label: t('campaigns.stats.attempts'), value: n(s.attempts) },
    { key: 'connects', label: t('campaigns.stats.connects'), value: n(s.connects) },
    { key: 'abandonRate', label: t('campaigns.stats.abandonRate'), value: percent(s.abandonRate) },
    { key: 'talk', label: t('campaigns.stats.talk'), value: formatDuration(s.talkSeconds) },
    {
      key: 'averageTalk',
      label: t('campaigns.stats.averageTalk'),
      value: s.averageTalkSeconds === null ? '—' : formatDuration(s.averageTalkSeconds),
    },
  ];
  return (
    <>
      <ul className="kpi-tiles">
        {tiles.map((tile) => (
          <li key={tile.key} className="kpi-tile" data-testid={`campaign-stat-${tile.key}`}>
            <span className="kpi-tile__label">{tile.label}</span>
            <span className="kpi-tile__value">{tile.value}</span>
          </li>
        ))}
      </ul>
      <div className="form-grid">
        <DataTable
          testId="campaign-stats-outcomes"
          columns={[{ label: t('campaigns.stats.outcome') }, { label: t('campaigns.stats.count'), numeric: true }]}
        >
          {CAMPAIGN_ATTEMPT_OUTCOMES.map((o) => (
            <tr key={o} data-testid={`campaign-outcome-${o}`}>
              <td>{t(`campaigns.outcomes.${o}`)}</td>
              <td className="num">{n(s.byOutcome[o])}</td>
            </tr>
          ))}
        </DataTable>
        <DataTable
          testId="campaign-stats-dispositions"
          columns={[{ label: t('campaigns.stats.disposition') }, { label: t('campaigns.stats.count'), numeric: true }]}
        >
          {s.byDisposition.map((d) => (
            <tr key={d.disposition} data-testid="campaign-disposition-row">
              <td>
                {d.disposition}
                {d.closing ? <span className="muted"> · {t('campaigns.stats.closing')}</span> : null}
              </td>
              <td className="num">{n(d.count)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
      {s.byOperator.length > 0 ? (
        <DataTable
          testId="campaign-stats-operators"
          columns={[
            { label: t('campaigns.stats.operator') },
            { label: t('campaigns.stats.attempts'), numeric: true },
            { label: t('campaigns.stats.connects'), numeric: true },
            { label: t('campaigns.stats.talk'), numeric: true },
          ]}
        >
          {s.byOperator.map((o) => (
            <tr key={o.userId} data-testid="campaign-operator-row">
              <td>{o.name}</td>
              <td className="num">{n(o.attempts)}</td>
              <td className="num">{n(o.connects)}</td>
              <td className="num">{formatDuration(o.talkSeconds)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </>
  );
}
