import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { WRAP_UP_OUTCOMES, type WrapUpOutcome } from '@contracts/dto/call';
import { errorText } from '@client/api/errorText';
import { livePopApi } from '@client/modules/calls/api/livePopApi';

/** Disposition and note for a call; saved with PATCH /api/calls/:id/wrap-up, then the card closes. */
export function WrapUpForm({ callId, ended, onSaved }: { callId: string; ended: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<WrapUpOutcome | ''>('');
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const outcomeId = useId();
  const noteId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) return;
    setSaving(true);
    setError(null);
    livePopApi
      .wrapUp(callId, { outcome, note: note.trim() || null })
      .then(onSaved)
      .catch((e: unknown) => {
        setError(e);
        setSaving(false);
      });
  };

  return (
    <form className="wrap-up" onSubmit={submit} data-testid="wrap-up-form">
      <h3>{ended ? t('livePop.wrapUpTitle') : t('livePop.notesDuringCall')}</h3>
      <label className="field__label" htmlFor={outcomeId}>
        {t('livePop.outcome')}
      </label>
      <select
        id={outcomeId}
        className="input"
        value={outcome}
        required
        onChange={(e) => setOutcome(e.target.value as WrapUpOutcome)}
        data-testid="wrap-up-outcome"
      >
        <option value="" disabled>
          {t('livePop.chooseOutcome')}
        </option>
        {WRAP_UP_OUTCOMES.map((value) => (
          <option key={value} value={value}>
            {t(`livePop.outcomes.${value}`)}
          </option>
        ))}
      </select>
      <label className="field__label" htmlFor={noteId}>
        {t('livePop.note')}
      </label>
      <textarea
        id={noteId}
        className="input"
        rows={3}
        maxLength={2000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        data-testid="wrap-up-note"
      />
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <button type="submit" className="btn btn--primary" disabled={saving || !outcome} data-testid="wrap-up-save">
        {saving ? t('common.saving') : t('livePop.saveWrapUp')}
      </button>
    </form>
  );
}
