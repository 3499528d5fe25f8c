import { useTranslation } from 'react-i18next';

import { isLocale, type Locale } from '@client/i18n/i18n';

/** Current UI locale; components re-render on a language switch because it comes from react-i18next. */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'ru';
}
