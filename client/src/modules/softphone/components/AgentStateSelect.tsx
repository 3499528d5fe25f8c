import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { BREAK_REASONS, type SetAgentStateRequest } from '@contracts/dto/agent';
import { type AgentStateDto } from '@contracts/socket-events';
import { errorText } from '@client/api/errorText';
import { formatDuration } from '@client/i18n/format';
import { fetchMyAgentState, setMyAgentState } from '@client/modules/agents/api/agentsApi';
import { useNow } from '@client/modules/softphone/hooks/useNow';
import { useSocketEvent } from '@client/realtime/realtimeContext';

type Shown = Pick<AgentStateDto, 'state' | 'reason' | 'since'> & { wrapUpUntil: string | null };

const OPTIONS = ['available', ...BREAK_REASONS.map((r) => `break:${r}`), 'offline'] as const;

const toRequest = (value: string): SetAgentStateRequest =>
  value.startsWith('break:')
    ? { state: 'break', reason: value.slice('break:'.length) }
    : { state: value === 'offline' ? 'offline' : 'available' };

const valueOf = (shown: Shown | null): string => {
  if (!shown) return '';
  if (shown.state === 'break') return `break:${shown.reason ?? 'other'}`;
  return shown.state === 'offline' || shown.state === 'available' ? shown.state : '';
};

/**
 * The operator's own state: Available / Break (with a reason) / Offline, chosen here; Wrap-up, On call and
 * Ringing are set by the server around calls and shown with their timer.
 */
export function AgentStateSelect({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const automatic = shown !== null && valueOf(shown) === '';
  const now = useNow(automatic);

  useEffect(() => {
    const controller = new AbortController();
    fetchMyAgentState(controller.signal)
      .then(setShown)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, []);

  useSocketEvent('agent:state', (payload) => {
    if (payload.userId === userId) setShown((s) => ({ ...payload, wrapUpUntil: s?.wrapUpUntil ?? null }));
  });

  const change = (value: string) => {
    setSaving(true);
    setError(null);
    setMyAgentState(toRequest(value))
      .then(({ agent }) => setShown(agent))
      .catch(setError)
      .finally(() => setSaving(false));
  };

  const timer = shown ? formatDuration(Math.max(0, now - Date.parse(shown.since)) / 1000) : '';
  return (
    <div className="agent-state" data-testid="agent-state" data-state={shown?.state ?? 'unknown'}>
      <label className="field__label" htmlFor={id}>
        {t('agentState.label')}
      </label>
      <select
        id={id}
        className="input"
        value={valueOf(shown)}
        disabled={saving || shown === null}
        onChange={(e) => change(e.target.value)}
        data-testid="agent-state-select"
      >
        {automatic ? <option value="">{t(`agentState.states.${shown.state}`)}</option> : null}
        {OPTIONS.map((value) => (
          <option key={value} value={value}>
            {value.startsWith('break:')
              ? `${t('agentState.states.break')}: ${t(`agentState.reasons.${value.slice(6)}`)}`
              : t(`agentState.states.${value}`)}
          </option>
        ))}
      </select>
      {automatic ? (
        <span className="badge badge--warning" data-testid="agent-state-timer">
          {t(`agentState.states.${shown.state}`)} {timer}
        </span>
      ) : null}
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </div>
  );
}
