import { useTranslation } from 'react-i18next';

import { RemoteParty } from '@client/modules/softphone/components/RemoteParty';
import { SHORTCUTS } from '@client/modules/softphone/hooks/useSoftphoneShortcuts';
import { type SoftphoneCall } from '@client/modules/softphone/states/softphoneState';

export function IncomingCallView({
  call,
  onAnswer,
  onReject,
}: {
  call: SoftphoneCall;
  onAnswer: () => void;
  onReject: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="softphone__incoming" data-testid="softphone-incoming" aria-live="assertive">
      <span className="softphone__kicker">{t('softphone.incoming')}</span>
      <RemoteParty call={call} />
      <div className="softphone__actions">
        <button
          type="button"
          className="btn btn--success"
          onClick={onAnswer}
          aria-keyshortcuts={SHORTCUTS.answer}
          title={`${t('softphone.answer')} (${SHORTCUTS.answer})`}
          data-testid="softphone-answer"
        >
          {t('softphone.answer')}
        </button>
        <button
          type="button"
          className="btn btn--danger"
          onClick={onReject}
          aria-keyshortcuts={SHORTCUTS.hangup}
          title={`${t('softphone.reject')} (${SHORTCUTS.hangup})`}
          data-testid="softphone-reject"
        >
          {t('softphone.reject')}
        </button>
      </div>
    </div>
  );
}
