import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime } from '@client/i18n/format';
import { webhooksApi } from '@client/modules/integrations/api/integrationsApi';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

const STATUS_TONE = { delivered: 'badge--success', failed: 'badge--danger', pending: 'badge--warning' } as const;

/** Each event sent to one endpoint: its status, every attempt (HTTP status, time taken), and a redeliver button. */
export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [nonce, setNonce] = useState(0);
  const query = useQuery(`deliveries:${endpointId}:${nonce}`, (signal) => webhooksApi.deliveries(endpointId, signal));
  // Deliveries move on by themselves (retries); the log follows every few seconds while it is open.
  useEffect(() => {
    const timer = setInterval(() => setNonce((n) => n + 1), 3000);
    return () => clearInterval(timer);
  }, []);

  return (
    <section aria-labelledby="delivery-log-title" className="card card__body" data-testid="delivery-log">
      <h3 id="delivery-log-title">{t('integrations.webhooks.logTitle')}</h3>
      <QueryView {...query} isEmpty={(page) => page.items.length === 0}>
        {(page) => (
          <DataTable
            testId="deliveries-table"
            columns={[
              { label: t('integrations.webhooks.event') },
              { label: t('integrations.webhooks.state') },
              { label: t('integrations.webhooks.attempts') },
              { label: t('integrations.webhooks.when') },
              { label: <span className="visually-hidden">{t('integrations.webhooks.redeliver')}</span> },
            ]}
          >
            {page.items.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <td>
                  <code lang="en">{d.eventType}</code>
                </td>
                <td>
                  <span className={`badge ${STATUS_TONE[d.status]}`} data-testid="delivery-status">
                    {t(`integrations.webhooks.statuses.${d.status}`)}
                  </span>
                </td>
                <td>
                  <ol className="attempts" data-testid="delivery-attempts">
                    {d.log.map((a) => (
                      <li key={`${a.attempt}-${a.at}`}>
                        {a.statusCode ?? a.error ?? '—'} · {t('integrations.webhooks.took', { ms: a.durationMs })}
                        {a.manual ? ` · ${t('integrations.webhooks.manual')}` : ''}
                      </li>
                    ))}
                  </ol>
                </td>
                <td>{formatDateTime(d.lastAttemptAt ?? d.createdAt, locale)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn--small"
                    onClick={() => void webhooksApi.redeliver(d.id).then(() => setNonce((n) => n + 1))}
                    data-testid="delivery-redeliver"
                  >
                    {t('integrations.webhooks.redeliver')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}
