import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type SlaAlertDto } from '@contracts/dto/sla-alerts';
import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { useLocale } from '@client/app/useLocale';
import { formatDateTime } from '@client/i18n/format';
import { slaApi, useOpenSlaAlerts } from '@client/modules/analytics/hooks/useSlaAlerts';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import '@client/modules/analytics/analytics.css';

/** The wallboard's banner: one line per SLA breach going on now, with its cause; it goes when the breach ends. */
export function SlaBanner() {
  const { t } = useTranslation();
  const locale = useLocale();
  const alerts = useOpenSlaAlerts();
  if (alerts.length === 0) return null;
  return (
    <Alert tone="warning" testId="sla-banner">
      <ul className="sla-banner">
        {alerts.map((a: SlaAlertDto) => (
          <li key={a.id} data-testid={`sla-alert-${a.queue}-${a.kind}`}>
            {t(`sla.cause.${a.kind}`, { queue: a.queue, value: a.value, threshold: a.threshold })}{' '}
            <span className="muted">{t('sla.since', { time: formatDateTime(a.startedAt, locale) })}</span>
          </li>
        ))}
      </ul>
    </Alert>
  );
}

const num = (s: string) => (s.trim() === '' ? null : Number(s));

/** Per-queue thresholds, for admins and supervisors. */
export function SlaThresholds() {
  const { t } = useTranslation();
  const list = useQuery('sla-thresholds', (signal) => slaApi.thresholds(signal));
  const [form, setForm] = useState({ queue: '', sl: '', window: '30', wait: '', waiting: '' });
  const [error, setError] = useState<string | null>(null);
  const field = (key: keyof typeof form, label: string) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        className="input"
        value={form[key]}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        data-testid={`sla-${key}`}
      />
    </label>
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await slaApi.set(form.queue.trim(), {
        slBelowPercent: num(form.sl),
        slWindowMinutes: num(form.window) ?? 30,
        longestWaitAboveSeconds: num(form.wait),
        waitingAbove: num(form.waiting),
      });
      list.reload();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <>
      <form className="toolbar sla-form" onSubmit={(e) => void submit(e)} data-testid="sla-form">
        {field('queue', t('wallboard.queue'))}
        {field('sl', t('sla.slBelow'))}
        {field('window', t('sla.window'))}
        {field('wait', t('sla.waitAbove'))}
        {field('waiting', t('sla.waitingAbove'))}
        <button className="btn" type="submit" data-testid="sla-save">
          {t('common.save')}
        </button>
        {error && (
          <span className="form-error" role="alert">
            {error}
          </span>
        )}
      </form>
      {list.data && list.data.length > 0 && (
        <DataTable
          testId="sla-thresholds"
          columns={[
            { label: t('wallboard.queue') },
            { label: t('sla.slBelow') },
            { label: t('sla.window') },
            { label: t('sla.waitAbove') },
            { label: t('sla.waitingAbove') },
            { label: '' },
          ]}
        >
          {list.data.map((x) => (
            <tr key={x.queue}>
              <td>{x.queue}</td>
              <td>{x.slBelowPercent ?? '—'}</td>
              <td>{x.slWindowMinutes}</td>
              <td>{x.longestWaitAboveSeconds ?? '—'}</td>
              <td>{x.waitingAbove ?? '—'}</td>
              <td>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() =>
                    void slaApi.remove(x.queue).then(list.reload, (err: unknown) => setError(errorText(t, err)))
                  }
                >
                  {t('sla.remove')}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
