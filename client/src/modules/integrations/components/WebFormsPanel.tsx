import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { formsApi } from '@client/modules/integrations/api/integrationsApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Website forms: each gets a public key and the one-line snippet to paste into the site. */
export function WebFormsPanel() {
  const { t } = useTranslation();
  const query = useQuery('forms', (signal) => formsApi.list(signal));
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [queue, setQueue] = useState('');
  const [error, setError] = useState<unknown>(null);

  const create = async () => {
    setError(null);
    try {
      await formsApi.create({ name, allowedOrigins: list(origins), callbackQueue: queue.trim() || null });
      setName('');
      setOrigins('');
      setQueue('');
      query.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="forms-title" data-testid="forms-panel">
      <h2 id="forms-title">{t('integrations.forms.title')}</h2>
      <p className="muted">{t('integrations.forms.hint')}</p>
      <form
        className="card card__body stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label className="field">
          <span className="field__label">{t('integrations.forms.name')}</span>
          <input
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            data-testid="form-name"
          />
        </label>
        <label className="field">
          <span className="field__label">{t('integrations.forms.origins')}</span>
          <input
            className="input"
            value={origins}
            onChange={(e) => setOrigins(e.target.value)}
            placeholder="https://shop.example.ru"
            lang="en"
            data-testid="form-origins"
          />
          <span className="field__hint">{t('integrations.forms.originsHint')}</span>
        </label>
        <label className="field">
          <span className="field__label">{t('integrations.forms.queue')}</span>
          <input
            className="input"
            value={queue}
            onChange={(e) => setQueue(e.target.value)}
            placeholder="support"
            lang="en"
            data-testid="form-queue"
          />
          <span className="field__hint">{t('integrations.forms.queueHint')}</span>
        </label>
        {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
        <div>
          <button className="btn btn--primary" type="submit" disabled={!name} data-testid="form-create">
            {t('integrations.forms.create')}
          </button>
        </div>
      </form>
      <QueryView {...query} isEmpty={(forms) => forms.length === 0}>
        {(forms) => (
          <DataTable
            testId="forms-table"
            columns={[
              { label: t('integrations.forms.name') },
              { label: t('integrations.forms.snippet') },
              { label: t('integrations.forms.queue') },
            ]}
          >
            {forms.map((form) => (
              <tr key={form.id} data-testid="form-row">
                <td>
                  {form.name}
                  {form.allowedOrigins.length ? <div className="muted">{form.allowedOrigins.join(', ')}</div> : null}
                </td>
                <td>
                  <code className="secret" lang="en" data-testid="form-snippet">
                    {`<script src="${window.location.origin}/api/public/forms/${form.key}/embed.js" async></script>`}
                  </code>
                </td>
                <td>{form.callbackQueue ?? t('common.none')}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}
