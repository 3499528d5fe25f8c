import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { formatPhone } from '@client/i18n/format';
import { type DialOutcome } from '@client/modules/softphone/states/softphoneContext';

/**
 * What happened to the last dial that was not simply placed in the browser: the server's check under way, a call
 * through the PBX (the desk phone rings first), or a refusal (do-not-call, blocked) with, for the roles that may,
 * a reason field to call anyway (audited by the server).
 */
export function DialOutcomeNote({
  outcome,
  onOverride,
}: {
  outcome: DialOutcome | null;
  onOverride: (number: string, reason: string) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (!outcome || outcome.via === 'webrtc') return null;
  const number = /^\+\d+$/.test(outcome.number) ? formatPhone(outcome.number, locale) : outcome.number;
  if (outcome.via === 'check') {
    return (
      <p className="muted" role="status" data-testid="softphone-dial-check">
        {t('softphone.dnc.checking', { number })}
      </p>
    );
  }
  if (outcome.via === 'refused') {
    return (
      <div className="alert alert--error" role="alert" data-testid="softphone-dnc">
        <p>{t(`softphone.dnc.refused.${outcome.reason}`, { number })}</p>
        {outcome.overridable ? (
          <OverrideForm key={outcome.number} onSubmit={(reason) => onOverride(outcome.number, reason)} />
        ) : (
          <p>{t('softphone.dnc.noOverride')}</p>
        )}
      </div>
    );
  }
  const failed = outcome.status === 'failed';
  return (
    <p className={failed ? 'alert alert--error' : 'muted'} role="status" data-testid="softphone-originate">
      {failed
        ? `${t('softphone.originate.failed', { number })}: ${errorText(t, outcome.error)}`
        : t(`softphone.originate.${outcome.status}`, { number })}
    </p>
  );
}

function OverrideForm({ onSubmit }: { onSubmit: (reason: string) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length >= 3) onSubmit(reason.trim());
  };
  return (
    <form className="softphone__override" onSubmit={submit}>
      <label htmlFor={id}>{t('softphone.dnc.reasonLabel')}</label>
      <input
        id={id}
        className="input"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        minLength={3}
        maxLength={500}
        required
        data-testid="softphone-dnc-reason"
      />
      <button type="submit" className="btn btn--danger" data-testid="softphone-dnc-override">
        {t('softphone.dnc.callAnyway')}
      </button>
    </form>
  );
}
