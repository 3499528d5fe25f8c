import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { WEBHOOK_EVENTS, type CreatedWebhookEndpointDto, type WebhookEventType } from '@contracts/dto/webhook';
import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { webhooksApi } from '@client/modules/integrations/api/integrationsApi';
import { DeliveryLog } from '@client/modules/integrations/components/DeliveryLog';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

/** Admins subscribe endpoints to events; the signing secret is shown once; each endpoint has its delivery log. */
export function WebhooksPanel() {
  const { t } = useTranslation();
  const query = useQuery('webhooks', (signal) => webhooksApi.list(signal));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>([]);
  const [made, setMade] = useState<CreatedWebhookEndpointDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);

  const create = async () => {
    setError(null);
    try {
      const endpoint = await webhooksApi.create({ url, events });
      setMade(endpoint);
      setOpen(endpoint.id);
      setUrl('');
      setEvents([]);
      query.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="webhooks-title" data-testid="webhooks-panel">
      <h2 id="webhooks-title">{t('integrations.webhooks.title')}</h2>
      <p className="muted">{t('integrations.webhooks.hint')}</p>
      <form
        className="card card__body stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label className="field">
          <span className="field__label">{t('integrations.webhooks.url')}</span>
          <input
            className="input"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://example.ru/zvonok-hooks"
            required
            data-testid="webhook-url"
          />
        </label>
        <fieldset className="field">
          <legend className="field__label">{t('integrations.webhooks.events')}</legend>
          <div className="checkbox-grid">
            {WEBHOOK_EVENTS.map((event) => (
              <label key={event} className="checkbox">
                <input
                  type="checkbox"
                  checked={events.includes(event)}
                  onChange={(e) => setEvents((s) => (e.target.checked ? [...s, event] : s.filter((x) => x !== event)))}
                  data-testid={`webhook-event-${event}`}
                />
                <code lang="en">{event}</code>
              </label>
            ))}
          </div>
        </fieldset>
        {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
        <div>
          <button
            className="btn btn--primary"
            type="submit"
            disabled={!url || events.length === 0}
            data-testid="webhook-create"
          >
            {t('integrations.webhooks.create')}
          </button>
        </div>
      </form>
      {made ? (
        <Alert tone="success" testId="webhook-made">
          <p>{t('integrations.webhooks.secretOnce')}</p>
          <code className="secret" lang="en" data-testid="webhook-secret">
            {made.secret}
          </code>
        </Alert>
      ) : null}
      <QueryView {...query} isEmpty={(list) => list.length === 0}>
        {(endpoints) => (
          <DataTable
            testId="webhooks-table"
            columns={[
              { label: t('integrations.webhooks.url') },
              { label: t('integrations.webhooks.events') },
              { label: t('integrations.webhooks.state') },
              { label: <span className="visually-hidden">{t('integrations.webhooks.log')}</span> },
            ]}
          >
            {endpoints.map((endpoint) => (
              <tr key={endpoint.id} data-testid="webhook-row">
                <td>
                  <code lang="en">{endpoint.url}</code>
                </td>
                <td lang="en">{endpoint.events.join(', ')}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    onClick={() =>
                      void webhooksApi.update(endpoint.id, { active: !endpoint.active }).then(query.reload)
                    }
                  >
                    {endpoint.active ? t('integrations.webhooks.active') : t('integrations.webhooks.paused')}
                  </button>
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn--small"
                    onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
                    aria-expanded={open === endpoint.id}
                    data-testid="webhook-log-open"
                  >
                    {t('integrations.webhooks.log')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      {open ? <DeliveryLog endpointId={open} /> : null}
    </section>
  );
}
