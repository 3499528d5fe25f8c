import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { type DialOutcome } from '@client/modules/softphone/states/softphoneContext';

/** What happened to the last click-to-call that went through the PBX (the desk phone rings first). */
export function DialOutcomeNote({ outcome }: { outcome: DialOutcome | null }) {
  const { t } = useTranslation();
  if (!outcome || outcome.via !== 'pbx') return null;
  const failed = outcome.status === 'failed';
  return (
    <p className={failed ? 'alert alert--danger' : 'muted'} role="status" data-testid="softphone-originate">
      {failed
        ? `${t('softphone.originate.failed', { number: outcome.number })}: ${errorText(t, outcome.error)}`
        : t(`softphone.originate.${outcome.status}`, { number: outcome.number })}
    </p>
  );
}
