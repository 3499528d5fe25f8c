import { useTranslation } from 'react-i18next';

import { useLocale } from '@client/app/useLocale';
import { localTimeOf } from '@client/modules/calls/utils/localTime';
import { useNow } from '@client/modules/softphone/hooks/useNow';

/** The caller's local time from the number's region (hidden when the region cannot be told, e.g. mobiles). */
export function CallerLocalTime({ e164 }: { e164: string | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow(true);
  const time = localTimeOf(e164, new Date(now), locale);
  if (!time) return null;
  return (
    <p className="pop-local-time" data-testid="pop-local-time">
      {t('livePop.localTime', { time })}
    </p>
  );
}
