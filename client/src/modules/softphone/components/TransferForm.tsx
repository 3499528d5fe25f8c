import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type SoftphoneCall } from '@client/modules/softphone/states/softphoneState';

interface Props {
  call: SoftphoneCall;
  onBlind: (target: string) => void;
  onAttended: (target: string) => void;
  onComplete: () => void;
  onCancel: () => void;
}

/** Blind (REFER now) or attended (consult first, then complete) transfer to an operator's extension or a number. */
export function TransferForm({ call, onBlind, onAttended, onComplete, onCancel }: Props) {
  const { t } = useTranslation();
  const [target, setTarget] = useState('');
  const inputId = useId();

  if (call.transfer?.kind === 'attended') {
    return (
      <div className="softphone__transfer" data-testid="softphone-consulting">
        <p>{t('softphone.transfer.consulting', { target: call.transfer.target })}</p>
        <div className="softphone__actions">
          <button
            type="button"
            className="btn btn--primary"
            onClick={onComplete}
            disabled={call.transfer.status === 'pending'}
            data-testid="softphone-transfer-complete"
          >
            {t('softphone.transfer.complete')}
          </button>
          <button type="button" className="btn" onClick={onCancel} data-testid="softphone-transfer-cancel">
            {t('softphone.transfer.cancel')}
          </button>
        </div>
      </div>
    );
  }

  const submit = (kind: 'blind' | 'attended') => (event?: FormEvent) => {
    event?.preventDefault();
    const value = target.trim();
    if (!value) return;
    if (kind === 'blind') onBlind(value);
    else onAttended(value);
  };
  return (
    <form className="softphone__transfer" onSubmit={submit('blind')} data-testid="softphone-transfer">
      <label className="field__label" htmlFor={inputId}>
        {t('softphone.transfer.target')}
      </label>
      <input
        id={inputId}
        className="input"
        placeholder={t('softphone.transfer.placeholder')}
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        inputMode="tel"
        autoComplete="off"
        data-testid="softphone-transfer-target"
      />
      <div className="softphone__actions">
        <button type="submit" className="btn" disabled={call.transfer !== null} data-testid="softphone-transfer-blind">
          {t('softphone.transfer.blind')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => submit('attended')()}
          disabled={call.transfer !== null}
          data-testid="softphone-transfer-attended"
        >
          {t('softphone.transfer.attended')}
        </button>
      </div>
    </form>
  );
}
