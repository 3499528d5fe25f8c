import { useTranslation } from 'react-i18next';

import { type SoftphoneState } from '@client/modules/softphone/states/softphoneState';

const BADGE: Record<SoftphoneState['registration'], string> = {
  registered: 'badge--success',
  registering: 'badge--primary',
  unregistered: 'badge',
  failed: 'badge--danger',
};

/**
 * Registration badge plus the current problem in words; the raw SIP cause stays in `data-detail` for support, unread.
 */
export function RegistrationStatus({ state, onDismiss }: { state: SoftphoneState; onDismiss: () => void }) {
  const { t } = useTranslation();
  const midCall = state.problem === 'ws-dropped' && state.calls.some((c) => c.signallingLost);
  return (
    <div className="softphone__status">
      <span
        className={`badge ${BADGE[state.registration]}`}
        data-testid="softphone-registration"
        data-state={state.registration}
        role="status"
      >
        {t(`softphone.registration.${state.registration}`)}
      </span>
      {state.problem ? (
        <div
          className="alert alert--warning softphone__problem"
          role="alert"
          data-testid="softphone-problem"
          data-problem={state.problem}
          data-detail={state.problemDetail ?? undefined}
        >
          <span>
            {t(`softphone.problems.${state.problem}`)}
            {midCall ? ` ${t('softphone.problems.midCall')}` : ''}
            {state.problem === 'ws-dropped' || state.problem === 'pbx-unreachable'
              ? ` ${t('softphone.reconnecting', { attempt: state.reconnectAttempt })}`
              : ''}
          </span>
          <button type="button" className="btn btn--small" onClick={onDismiss}>
            {t('common.close')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
