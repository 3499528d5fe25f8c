import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CampaignAction, type CampaignDto, type PreviewOfferDto } from '@contracts/dto/campaign';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { useSession } from '@client/modules/auth/states/sessionContext';
import { campaignsApi } from '@client/modules/campaigns/api/campaignsApi';
import { CampaignForm } from '@client/modules/campaigns/components/CampaignForm';
import { CampaignStats } from '@client/modules/campaigns/components/CampaignStats';
import { CampaignWrapUp } from '@client/modules/campaigns/components/CampaignWrapUp';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { PhoneText } from '@client/ui/PhoneText';
import { QueryView } from '@client/ui/QueryView';

/** How often a running campaign's figures are fetched again. */
const PROGRESS_POLL_MS = 2000;
const ACTIONS: Record<CampaignDto['status'], CampaignAction[]> = {
  draft: ['start'],
  running: ['pause', 'stop'],
  paused: ['start', 'stop'],
  stopped: ['start'],
  finished: [],
};
const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/** Outbound campaigns: supervisors set them up, build lists, run them and watch them; operators take preview calls. */
export function CampaignsPage() {
  const { user } = useSession();
  return user?.role === 'operator' ? <OperatorCampaigns /> : <SupervisorCampaigns />;
}

function SupervisorCampaigns() {
  const { t } = useTranslation();
  const campaigns = useQuery('campaigns', (signal) => campaignsApi.list(signal));
  const operators = useQuery('campaigns:operators', (signal) => campaignsApi.operators(signal));
  const [editing, setEditing] = useState<CampaignDto | 'new' | null>(null);
  const [statsOf, setStatsOf] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const shownStats = campaigns.data?.find((c) => c.id === statsOf);
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      campaigns.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="stack" data-testid="campaigns-page">
      <header className="page-head">
        <h1>{t('nav.campaigns')}</h1>
        <button type="button" className="btn btn--primary" onClick={() => setEditing('new')} data-testid="campaign-new">
          {t('campaigns.new')}
        </button>
      </header>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {editing ? (
        <CampaignForm
          key={editing === 'new' ? 'new' : editing.id}
          operators={operators.data ?? []}
          initial={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(null)}
          onSave={async (body) => {
            await (editing === 'new' ? campaignsApi.create(body) : campaignsApi.update(editing.id, body));
            setEditing(null);
            campaigns.reload();
          }}
        />
      ) : null}
      <QueryView {...campaigns} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <DataTable
            testId="campaigns-table"
            columns={[
              { label: t('campaigns.name') },
              { label: t('campaigns.status') },
              { label: t('campaigns.progress') },
              { label: t('campaigns.list') },
            ]}
          >
            {items.map((c) => (
              <CampaignRow
                key={c.id}
                campaign={c}
                onAct={(action) => void run(() => campaignsApi.act(c.id, action))}
                onBuild={(tag) => run(() => campaignsApi.buildList(c.id, { source: 'contacts', tag }))}
                onEdit={() => setEditing(c)}
                onStats={() => setStatsOf(c.id)}
              />
            ))}
          </DataTable>
        )}
      </QueryView>
      {shownStats ? <CampaignStats key={shownStats.id} campaign={shownStats} onClose={() => setStatsOf(null)} /> : null}
    </div>
  );
}

function CampaignRow({
  campaign,
  onAct,
  onBuild,
  onEdit,
  onStats,
}: {
  campaign: CampaignDto;
  onAct: (action: CampaignAction) => void;
  onBuild: (tag: string) => Promise<void>;
  onEdit: () => void;
  onStats: () => void;
}) {
  const { t } = useTranslation();
  const progress = useQuery(`campaign:${campaign.id}:${campaign.status}`, (signal) =>
    campaignsApi.progress(campaign.id, signal),
  );
  const [tag, setTag] = useState('');
  const { reload } = progress;
  const status = progress.data?.status ?? campaign.status;
  // Live figures while it dials: polled (every node's dialler writes them, so any node answers the same).
  useEffect(() => {
    if (status !== 'running') return;
    const timer = setInterval(reload, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [status, reload]);
  const p = progress.data;
  const total = p ? Object.values(p.records).reduce((a, b) => a + b, 0) : 0;
  return (
    <tr data-testid="campaign-row" data-status={status}>
      <td>
        <strong>{campaign.name}</strong>
        <div className="muted">{t(`campaigns.modes.${campaign.mode}`)}</div>
      </td>
      <td>
        <span className="badge" data-testid="campaign-status">
          {t(`campaigns.statuses.${status}`)}
        </span>
      </td>
      <td data-testid="campaign-progress">
        {p
          ? t('campaigns.figures', {
              done: p.records.done,
              total,
              pending: p.records.pending,
              failed: p.records.failed,
              excluded: p.records.excluded,
              attempts: p.attempts,
            })
          : '—'}
        {p ? (
          <div className="muted">
            <span title={t('campaigns.answerRateHint')}>
              {t('campaigns.answerRate')}: {percent(p.answerRate)}
            </span>
            {' · '}
            <span title={t('campaigns.abandonsHint')}>
              {t('campaigns.abandons')}: {percent(p.abandonRate)} / {p.abandonCapPercent}%
            </span>
          </div>
        ) : null}
      </td>
      <td>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void onBuild(tag.trim()).then(() => progress.reload());
          }}
        >
          <input
            className="input input--small"
            placeholder={t('campaigns.tag')}
            aria-label={t('campaigns.tag')}
            value={tag}
            onChange={(e) => setTag(e.target.value)}
            data-testid="campaign-tag"
          />
          <button type="submit" className="btn btn--small" disabled={!tag.trim()} data-testid="campaign-build">
            {t('campaigns.build')}
          </button>
        </form>
        {ACTIONS[status].map((action) => (
          <button
            key={action}
            type="button"
            className={`btn btn--small${action === 'stop' ? ' btn--danger' : ''}`}
            onClick={() => onAct(action)}
            data-testid={`campaign-${action}`}
          >
            {t(`campaigns.actions.${action}`)}
          </button>
        ))}
        <button type="button" className="btn btn--small" onClick={onStats} data-testid="campaign-stats-open">
          {t('campaigns.stats.open')}
        </button>
        {status !== 'running' ? (
          <button type="button" className="btn btn--small" onClick={onEdit} data-testid="campaign-edit">
            {t('common.edit')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** Preview campaigns of the signed-in operator: the next record with its script, then dial or skip. */
function OperatorCampaigns() {
  const { t } = useTranslation();
  const locale = useLocale();
  const campaigns = useQuery('campaigns', (signal) => campaignsApi.list(signal));
  const [offer, setOffer] = useState<PreviewOfferDto | null>(null);
  const [dialled, setDialled] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="stack" data-testid="campaigns-page">
      <h1>{t('nav.campaigns')}</h1>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <QueryView {...campaigns} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <ul className="stack">
            {items.map((c) => (
              <li key={c.id} className="card card__body" data-testid="operator-campaign">
                <strong>{c.name}</strong> · {t(`campaigns.modes.${c.mode}`)} · {t(`campaigns.statuses.${c.status}`)}
                {c.mode === 'preview' && c.status === 'running' ? (
                  <button
                    type="button"
                    className="btn btn--primary btn--small"
                    onClick={() =>
                      void run(async () => {
                        setDialled(false);
                        setOffer(await campaignsApi.next(c.id));
                      })
                    }
                    data-testid="preview-next"
                  >
                    {t('campaigns.nextRecord')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      {offer ? (
        <section className="card card__body" data-testid="preview-offer">
          <h2>{offer.record.name ?? t('campaigns.noName')}</h2>
          <p>
            <PhoneText value={offer.record.phoneE164} locale={locale} link={false} />
          </p>
          <p className="campaign-script" data-testid="preview-script">
            {offer.campaign.script}
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn--primary"
              disabled={dialled}
              onClick={() =>
                void run(async () => {
                  await campaignsApi.dial(offer.attemptId);
                  setDialled(true);
                })
              }
              data-testid="preview-dial"
            >
              {dialled ? t('campaigns.dialling') : t('campaigns.dial')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={dialled}
              onClick={() =>
                void run(async () => {
                  await campaignsApi.skip(offer.attemptId);
                  setOffer(null);
                })
              }
              data-testid="preview-skip"
            >
              {t('campaigns.skip')}
            </button>
          </div>
          {dialled ? (
            <CampaignWrapUp
              campaign={{
                id: offer.campaign.id,
                name: offer.campaign.name,
                script: offer.campaign.script,
                attemptId: offer.attemptId,
                dispositions: offer.campaign.dispositions,
              }}
            />
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
