import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { useLocale } from '@client/app/useLocale';
import { formatPhone } from '@client/i18n/format';
import { ActiveCallView } from '@client/modules/softphone/components/ActiveCallView';
import { DialForm } from '@client/modules/softphone/components/DialForm';
import { DialOutcomeNote } from '@client/modules/softphone/components/DialOutcomeNote';
import { IncomingCallView } from '@client/modules/softphone/components/IncomingCallView';
import { RegistrationStatus } from '@client/modules/softphone/components/RegistrationStatus';
import { TransferForm } from '@client/modules/softphone/components/TransferForm';
import { useCallNotification } from '@client/modules/softphone/hooks/useCallNotification';
import { useRingtone } from '@client/modules/softphone/hooks/useRingtone';
import { SHORTCUTS, useSoftphoneShortcuts } from '@client/modules/softphone/hooks/useSoftphoneShortcuts';
import { type Softphone } from '@client/modules/softphone/states/softphoneContext';
import { currentCall, ringingCall } from '@client/modules/softphone/states/softphoneState';

/** The softphone in the operator dock: status, ringing call, call in progress, dialler. */
export function SoftphonePanel({ phone }: { phone: Softphone }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { state, driver } = phone;
  const ringing = ringingCall(state);
  const active = currentCall(state);
  const current = active && active.phase !== 'ringing' ? active : null;
  const consulting = state.calls.find((c) => c.transfer?.kind === 'attended' && c.transfer.consultId !== null);

  useRingtone(ringing !== null);
  useCallNotification(
    ringing?.id ?? null,
    t('softphone.incoming'),
    ringing ? formatPhone(ringing.remote, locale) || ringing.remote : '',
  );
  const shortcuts = useMemo(
    () => ({
      answer: () => ringing && driver?.answer(ringing.id),
      hangup: () => {
        const target = current ?? ringing;
        if (target) driver?.hangup(target.id);
      },
      mute: () => current && driver?.mute(current.id, !current.muted),
    }),
    [ringing, current, driver],
  );
  useSoftphoneShortcuts(shortcuts);

  return (
    <section className="card softphone" aria-labelledby="softphone-title" data-testid="softphone">
      <header className="softphone__head">
        <h2 id="softphone-title">{t('softphone.title')}</h2>
        {phone.extension ? (
          <span className="muted">{t('userMenu.extension', { extension: phone.extension })}</span>
        ) : null}
      </header>
      <RegistrationStatus state={state} onDismiss={phone.dismissProblem} />
      {ringing && driver ? (
        <IncomingCallView
          call={ringing}
          onAnswer={() => driver.answer(ringing.id)}
          onReject={() => driver.hangup(ringing.id)}
        />
      ) : null}
      {current && driver ? <ActiveCallView key={current.id} call={current} driver={driver} /> : null}
      {consulting && driver ? (
        <TransferForm
          call={consulting}
          onBlind={() => undefined}
          onAttended={() => undefined}
          onComplete={() => driver.completeAttendedTransfer(consulting.id)}
          onCancel={() => driver.cancelAttendedTransfer(consulting.id)}
        />
      ) : null}
      {!current && !ringing ? <DialForm onDial={phone.dial} /> : null}
      <DialOutcomeNote outcome={phone.lastDial} onOverride={(number, reason) => phone.dial(number, { reason })} />
      <p className="softphone__hint muted">
        {t('softphone.shortcuts', { answer: SHORTCUTS.answer, hangup: SHORTCUTS.hangup, mute: SHORTCUTS.mute })}
      </p>
    </section>
  );
}
