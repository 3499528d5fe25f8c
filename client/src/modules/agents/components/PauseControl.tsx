import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { BREAK_REASONS } from '@contracts/dto/agent';
import { type AgentStateName } from '@contracts/socket-events';
import { errorText } from '@client/api/errorText';
import { setAgentState } from '@client/modules/agents/api/agentsApi';

const PAUSED: ReadonlySet<AgentStateName> = new Set(['break', 'offline', 'wrap-up']);

/**
 * A supervisor's pause/unpause of one operator. Pausing asks for a reason (it reaches the Asterisk queue as the
 * pause reason); the result line says when the PBX did not follow (telephony off or down).
 */
export function PauseControl({ userId, name, state }: { userId: string; name: string; state: AgentStateName }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<string>(BREAK_REASONS[0]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'error' | 'warning'; text: string } | null>(null);
  const paused = PAUSED.has(state);

  const submit = (request: { state: 'available' } | { state: 'break'; reason: string }) => {
    setBusy(true);
    setMessage(null);
    setAgentState(userId, request)
      .then((res) => {
        if (!res.telephony.applied) setMessage({ tone: 'warning', text: t('agents.pbxNotApplied') });
      })
      .catch((error: unknown) => setMessage({ tone: 'error', text: errorText(t, error) }))
      .finally(() => setBusy(false));
  };

  return (
    <div className="pause-control" data-testid={`pause-control-${userId}`}>
      {paused ? (
        <button
          type="button"
          className="btn btn--small"
          disabled={busy}
          onClick={() => submit({ state: 'available' })}
          data-testid="unpause"
          aria-label={t('agents.unpauseFor', { name })}
        >
          {t('agents.unpause')}
        </button>
      ) : (
        <>
          <select
            className="select select--inline"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-label={t('agents.reasonFor', { name })}
            data-testid="pause-reason"
          >
            {BREAK_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`agents.reasons.${r}`)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn--small"
            disabled={busy}
            onClick={() => submit({ state: 'break', reason })}
            data-testid="pause"
            aria-label={t('agents.pauseFor', { name })}
          >
            {t('agents.pause')}
          </button>
        </>
      )}
      {message && (
        <span className={`pause-control__note pause-control__note--${message.tone}`} role="status">
          {message.text}
        </span>
      )}
    </div>
  );
}
