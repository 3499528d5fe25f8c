import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { SPY_MODES, type SpyModeDto } from '@contracts/dto/supervision';
import { errorText } from '@client/api/errorText';
import { startSpy } from '@client/modules/supervision/api/supervisionApi';

/**
 * Listen / whisper / barge on a live call. The first press rings the supervisor's own phone; another mode on the
 * same call switches the running leg in place (ChanSpy DTMF), so the supervisor is not dropped.
 */
export function SpyButtons({ callId, operatorName }: { callId: string; operatorName: string }) {
  const { t } = useTranslation();
  const [active, setActive] = useState<SpyModeDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const spy = (mode: SpyModeDto) => {
    setBusy(true);
    setError(null);
    startSpy(callId, mode)
      .then((res) => setActive(res.mode))
      .catch((e: unknown) => setError(errorText(t, e)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="spy-buttons" role="group" aria-label={t('supervision.groupLabel', { name: operatorName })}>
      {SPY_MODES.map((mode) => (
        <button
          key={mode}
          type="button"
          className={`btn btn--small${active === mode ? ' btn--primary' : ''}`}
          aria-pressed={active === mode}
          disabled={busy}
          title={t(`supervision.hint.${mode}`)}
          onClick={() => spy(mode)}
          data-testid={`spy-${mode}`}
        >
          {t(`supervision.mode.${mode}`)}
        </button>
      ))}
      {error && (
        <span className="spy-buttons__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
