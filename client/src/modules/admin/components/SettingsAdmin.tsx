import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CompanySettings } from '@contracts/dto/settings';
import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { adminApi } from '@client/modules/admin/api/adminApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

const NUMBERS = ['recordingRetentionDays', 'callRetentionMonths', 'wrapUpSeconds', 'callbackEscalateMinutes'] as const;

function SettingsForm({ settings, onSaved }: { settings: CompanySettings; onSaved: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Record<keyof CompanySettings, string>>({
    timeZone: settings.timeZone,
    defaultCountry: settings.defaultCountry,
    recordingRetentionDays: String(settings.recordingRetentionDays),
    callRetentionMonths: String(settings.callRetentionMonths),
    wrapUpSeconds: String(settings.wrapUpSeconds),
    callbackEscalateMinutes: String(settings.callbackEscalateMinutes),
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await adminApi.updateSettings({
        timeZone: draft.timeZone.trim(),
        defaultCountry: draft.defaultCountry.trim().toUpperCase(),
        ...Object.fromEntries(NUMBERS.map((k) => [k, Number(draft[k])])),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const field = (key: keyof CompanySettings, type = 'text') => (
    <div className="field" key={key}>
      <label className="field__label" htmlFor={`${id}-${key}`}>
        {t(`admin.settings.${key}`)}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        type={type}
        min={type === 'number' ? 0 : undefined}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        aria-describedby={`${id}-${key}-hint`}
        data-testid={`setting-${key}`}
      />
      <span className="field__hint" id={`${id}-${key}-hint`}>
        {t(`admin.settings.hints.${key}`)}
      </span>
    </div>
  );
  return (
    <form className="card card__body" onSubmit={(e) => void submit(e)} data-testid="settings-form">
      <h2>{t('admin.settings.company')}</h2>
      {error ? (
        <Alert tone="error" testId="settings-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      {saved ? (
        <Alert tone="success" testId="settings-saved">
          {t('admin.settings.saved')}
        </Alert>
      ) : null}
      <div className="form-grid">
        {field('timeZone')}
        {field('defaultCountry')}
        {NUMBERS.map((k) => field(k, 'number'))}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" data-testid="settings-save">
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** Per-queue wrap-up seconds (analytics' AHT when no wrap-up form was sent); new queues by name. */
function QueueWrapUps() {
  const { t } = useTranslation();
  const id = useId();
  const queues = useQuery('admin:queues', (signal) => adminApi.queueSettings(signal));
  const [queue, setQueue] = useState('');
  const [seconds, setSeconds] = useState('');
  const [error, setError] = useState<unknown>(null);
  const save = async (name: string, value: string) => {
    setError(null);
    try {
      await adminApi.setQueueWrapUp(name, Number(value));
      queues.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card card__body" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('admin.settings.queues')}</h2>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <QueryView {...queues} isEmpty={() => false}>
        {(items) => (
          <DataTable columns={[{ label: t('admin.settings.queue') }, { label: t('admin.settings.queueWrapUp') }]}>
            {items.map((q) => (
              <tr key={q.queue}>
                <td>{q.queue}</td>
                <td>
                  <input
                    className="input input--narrow"
                    type="number"
                    min={0}
                    aria-label={`${t('admin.settings.queueWrapUp')}: ${q.queue}`}
                    defaultValue={q.wrapUpSeconds}
                    onBlur={(e) => {
                      if (Number(e.target.value) !== q.wrapUpSeconds) void save(q.queue, e.target.value);
                    }}
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void save(queue.trim(), seconds).then(() => {
            setQueue('');
            setSeconds('');
          });
        }}
      >
        <div className="field">
          <label className="field__label" htmlFor={`${id}-queue`}>
            {t('admin.settings.queue')}
          </label>
          <input id={`${id}-queue`} className="input" value={queue} onChange={(e) => setQueue(e.target.value)} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-seconds`}>
            {t('admin.settings.queueWrapUp')}
          </label>
          <input
            id={`${id}-seconds`}
            className="input input--narrow"
            type="number"
            min={0}
            value={seconds}
            onChange={(e) => setSeconds(e.target.value)}
          />
        </div>
        <button type="submit" className="btn" disabled={!queue.trim() || seconds === ''}>
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}

/** Company settings, stored in the database and applied by every node without a restart. */
export function SettingsAdmin() {
  const settings = useQuery('admin:settings', (signal) => adminApi.settings(signal));
  return (
    <div className="stack">
      <QueryView {...settings} isEmpty={() => false}>
        {(s) => <SettingsForm key={JSON.stringify(s)} settings={s} onSaved={settings.reload} />}
      </QueryView>
      <QueueWrapUps />
    </div>
  );
}
