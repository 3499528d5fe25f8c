import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { formatDuration } from '@client/i18n/format';
import { DtmfKeypad } from '@client/modules/softphone/components/DtmfKeypad';
import { RemoteParty } from '@client/modules/softphone/components/RemoteParty';
import { TransferForm } from '@client/modules/softphone/components/TransferForm';
import { useNow } from '@client/modules/softphone/hooks/useNow';
import { SHORTCUTS } from '@client/modules/softphone/hooks/useSoftphoneShortcuts';
import { type SoftphoneCall, talkSeconds } from '@client/modules/softphone/states/softphoneState';
import { type SoftphoneDriver } from '@client/modules/softphone/utils/jssipPhone';

type Drawer = 'keypad' | 'transfer' | null;

/** The call in progress: timer, hold/resume, mute, hang up, keypad and transfer. */
export function ActiveCallView({ call, driver }: { call: SoftphoneCall; driver: SoftphoneDriver }) {
  const { t } = useTranslation();
  const now = useNow(call.answeredAt !== null);
  const [drawer, setDrawer] = useState<Drawer>(call.transfer ? 'transfer' : null);
  const answered = call.phase === 'answered' || call.phase === 'held';
  const locked = call.signallingLost;
  // The held original of an attended transfer: its controls live on the consultation leg's form.
  const transferCall = call.consultFor ? null : call;
  const toggle = (next: Drawer) => setDrawer((d) => (d === next ? null : next));

  return (
    <div className="softphone__call" data-testid="softphone-call" data-phase={call.phase}>
      <span className="softphone__kicker">
        {call.consultFor ? t('softphone.consultation') : t(`softphone.phase.${call.phase}`)}
      </span>
      <RemoteParty call={call} />
      <span className="softphone__timer" data-testid="softphone-timer" aria-live="off">
        {formatDuration(talkSeconds(call, now))}
      </span>
      <div className="softphone__actions">
        {answered ? (
          <>
            <button
              type="button"
              className="btn"
              disabled={locked}
              aria-pressed={call.phase === 'held'}
              onClick={() => (call.phase === 'held' ? driver.resume(call.id) : driver.hold(call.id))}
              data-testid="softphone-hold"
            >
              {call.phase === 'held' ? t('softphone.resume') : t('softphone.hold')}
            </button>
            <button
              type="button"
              className="btn"
              aria-pressed={call.muted}
              aria-keyshortcuts={SHORTCUTS.mute}
              onClick={() => driver.mute(call.id, !call.muted)}
              data-testid="softphone-mute"
            >
              {call.muted ? t('softphone.unmute') : t('softphone.mute')}
            </button>
            <button type="button" className="btn" aria-expanded={drawer === 'keypad'} onClick={() => toggle('keypad')}>
              {t('softphone.keypad')}
            </button>
            {transferCall ? (
              <button
                type="button"
                className="btn"
                disabled={locked}
                aria-expanded={drawer === 'transfer'}
                onClick={() => toggle('transfer')}
                data-testid="softphone-transfer-toggle"
              >
                {t('softphone.transfer.title')}
              </button>
            ) : null}
          </>
        ) : null}
        <button
          type="button"
          className="btn btn--danger"
          onClick={() => driver.hangup(call.id)}
          aria-keyshortcuts={SHORTCUTS.hangup}
          title={`${t('softphone.hangup')} (${SHORTCUTS.hangup})`}
          data-testid="softphone-hangup"
        >
          {t('softphone.hangup')}
        </button>
      </div>
      {drawer === 'keypad' && answered ? (
        <DtmfKeypad sent={call.dtmf} onTone={(tone) => driver.dtmf(call.id, tone)} />
      ) : null}
      {drawer === 'transfer' && transferCall && answered ? (
        <TransferForm
          call={transferCall}
          onBlind={(target) => driver.blindTransfer(call.id, target)}
          onAttended={(target) => driver.startAttendedTransfer(call.id, target)}
          onComplete={() => driver.completeAttendedTransfer(call.id)}
          onCancel={() => driver.cancelAttendedTransfer(call.id)}
        />
      ) : null}
    </div>
  );
}
