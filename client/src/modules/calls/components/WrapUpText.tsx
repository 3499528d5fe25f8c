import { useTranslation } from 'react-i18next';

import { WRAP_UP_OUTCOMES, type WrapUpOutcome } from '@contracts/dto/call';

export const isOutcome = (value: string | null): value is WrapUpOutcome =>
  (WRAP_UP_OUTCOMES as readonly (string | null)[]).includes(value);

/** What the operator chose and wrote after a call, wherever the call is listed, so the next one knows. */
export function WrapUpText({ outcome, note }: { outcome: WrapUpOutcome; note: string | null }) {
  const { t } = useTranslation();
  return (
    <span className="wrap-up-text" data-testid="wrap-up-text">
      <span className="badge">{t(`livePop.outcomes.${outcome}`)}</span>
      {note ? <span className="wrap-up-text__note">{note}</span> : null}
    </span>
  );
}
