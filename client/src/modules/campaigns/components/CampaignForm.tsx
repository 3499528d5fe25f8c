import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type AgentDto } from '@contracts/dto/agent';
import { type CampaignDto, type CampaignMode, type CreateCampaignRequest } from '@contracts/dto/campaign';
import { errorText } from '@client/api/errorText';
import { Alert } from '@client/ui/Alert';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Create or edit a campaign; the server validates everything again and answers with field errors. */
export function CampaignForm({
  operators,
  initial,
  onSave,
  onCancel,
}: {
  operators: AgentDto[];
  initial?: CampaignDto;
  onSave: (body: CreateCampaignRequest) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(initial?.name ?? '');
  const [mode, setMode] = useState<CampaignMode>(initial?.mode ?? 'progressive');
  const [callerId, setCallerId] = useState(initial?.callerId ?? '');
  const [queue, setQueue] = useState(initial?.queue ?? '');
  const [ratio, setRatio] = useState(initial?.ratio ?? 1);
  const [operatorIds, setOperatorIds] = useState<string[]>(initial?.operatorIds ?? []);
  const [dispositions, setDispositions] = useState(initial?.dispositions.join(', ') ?? '');
  const [closing, setClosing] = useState(initial?.closingDispositions.join(', ') ?? '');
  const [maxAttempts, setMaxAttempts] = useState(initial?.retryRules.maxAttempts ?? 3);
  const [busyMinutes, setBusyMinutes] = useState(initial?.retryRules.busy ?? 15);
  const [noAnswerMinutes, setNoAnswerMinutes] = useState(initial?.retryRules['no-answer'] ?? 120);
  const [script, setScript] = useState(initial?.script ?? '');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    onSave({
      name,
      mode,
      callerId: callerId.trim(),
      queue: queue.trim() || null,
      ratio,
      operatorIds,
      dispositions: list(dispositions),
      closingDispositions: list(closing),
      retryRules: { maxAttempts, busy: busyMinutes, 'no-answer': noAnswerMinutes },
      script,
    })
      .catch((err: unknown) => setError(err))
      .finally(() => setSaving(false));
  };
  const field = (key: string, label: string, input: ReactNode) => (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${key}`}>
        {label}
      </label>
      {input}
    </div>
  );
  const number = (key: string, value: number, set: (n: number) => void) => (
    <input
      id={`${id}-${key}`}
      className="input"
      type="number"
      min={1}
      value={value}
      onChange={(e) => set(Number(e.target.value))}
      data-testid={`campaign-${key}`}
    />
  );

  return (
    <form className="card card__body" onSubmit={submit} data-testid="campaign-form">
      <h2>{initial ? t('campaigns.edit') : t('campaigns.new')}</h2>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <div className="form-grid">
        {field(
          'name',
          t('campaigns.name'),
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="campaign-name"
          />,
        )}
        {field(
          'mode',
          t('campaigns.mode'),
          <select
            id={`${id}-mode`}
            className="select"
            value={mode}
            onChange={(e) => setMode(e.target.value as CampaignMode)}
            data-testid="campaign-mode"
          >
            <option value="progressive">{t('campaigns.modes.progressive')}</option>
            <option value="preview">{t('campaigns.modes.preview')}</option>
          </select>,
        )}
        {field(
          'caller',
          t('campaigns.callerId'),
          <input
            id={`${id}-caller`}
            className="input"
            placeholder="+74951234567"
            value={callerId}
            onChange={(e) => setCallerId(e.target.value)}
            data-testid="campaign-caller-id"
          />,
        )}
        {field(
          'ratio',
          t('campaigns.ratio'),
          <input
            id={`${id}-ratio`}
            className="input"
            type="number"
            min={1}
            max={1.5}
            step={0.1}
            value={ratio}
            title={t('campaigns.ratioHint')}
            onChange={(e) => setRatio(Number(e.target.value))}
            data-testid="campaign-ratio"
          />,
        )}
        {field(
          'queue',
          t('campaigns.queue'),
          <input
            id={`${id}-queue`}
            className="input"
            placeholder="support"
            value={queue}
            title={t('campaigns.queueHint')}
            onChange={(e) => setQueue(e.target.value)}
            data-testid="campaign-queue"
          />,
        )}
        {field('max', t('campaigns.maxAttempts'), number('max', maxAttempts, setMaxAttempts))}
        {field('busy', t('campaigns.busyRetry'), number('busy', busyMinutes, setBusyMinutes))}
        {field('noanswer', t('campaigns.noAnswerRetry'), number('noanswer', noAnswerMinutes, setNoAnswerMinutes))}
        {field(
          'dispositions',
          t('campaigns.dispositions'),
          <input
            id={`${id}-dispositions`}
            className="input"
            value={dispositions}
            onChange={(e) => setDispositions(e.target.value)}
            data-testid="campaign-dispositions"
          />,
        )}
        {field(
          'closing',
          t('campaigns.closing'),
          <input
            id={`${id}-closing`}
            className="input"
            value={closing}
            onChange={(e) => setClosing(e.target.value)}
            data-testid="campaign-closing"
          />,
        )}
      </div>
      <fieldset className="field">
        <legend className="field__label">{t('campaigns.operators')}</legend>
        {operators.map((o) => (
          <label key={o.userId} className="checkbox">
            <input
              type="checkbox"
              checked={operatorIds.includes(o.userId)}
              onChange={(e) =>
                setOperatorIds((ids) => (e.target.checked ? [...ids, o.userId] : ids.filter((x) => x !== o.userId)))
              }
              data-testid={`campaign-operator-${o.extension}`}
            />{' '}
            {o.name} ({o.extension})
          </label>
        ))}
      </fieldset>
      {field(
        'script',
        t('campaigns.script'),
        <textarea
          id={`${id}-script`}
          className="input"
          rows={4}
          value={script}
          onChange={(e) => setScript(e.target.value)}
          data-testid="campaign-script"
        />,
      )}
      <div className="form-actions">
        {onCancel ? (
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        ) : null}
        <button type="submit" className="btn btn--primary" disabled={saving} data-testid="campaign-save">
          {saving ? t('common.saving') : t('campaigns.save')}
        </button>
      </div>
    </form>
  );
}
