import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CallCardCampaign } from '@contracts/dto/campaign';
import { errorText } from '@client/api/errorText';
import { campaignsApi } from '@client/modules/campaigns/api/campaignsApi';

/** The campaign's own dispositions in the wrap-up: a closing one closes the record, any other retries it. */
export function CampaignWrapUp({ campaign }: { campaign: CallCardCampaign }) {
  const { t } = useTranslation();
  const id = useId();
  const [disposition, setDisposition] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    campaignsApi.dispose(campaign.attemptId, disposition).then(
      () => setSaved(disposition),
      (err: unknown) => setError(err),
    );
  };
  return (
    <form className="wrap-up" onSubmit={submit} data-testid="campaign-wrap-up">
      <label className="field__label" htmlFor={id}>
        {t('campaigns.result')}
      </label>
      <select
        id={id}
        className="input"
        value={disposition}
        onChange={(e) => setDisposition(e.target.value)}
        data-testid="campaign-disposition"
      >
        <option value="" disabled>
          {t('livePop.chooseOutcome')}
        </option>
        {campaign.dispositions.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      {saved ? (
        <p className="muted" data-testid="campaign-disposition-saved">
          {t('campaigns.resultSaved', { result: saved })}
        </p>
      ) : null}
      <button type="submit" className="btn" disabled={!disposition} data-testid="campaign-disposition-save">
        {t('campaigns.saveResult')}
      </button>
    </form>
  );
}
