import { useTranslation } from 'react-i18next';

import { changeLocale, LOCALES, type Locale } from '@client/i18n/i18n';

/** Each language by its own name, marked with its `lang`: whoever reads it finds their own language. */
const NAMES: Record<Locale, string> = { ru: 'Русский', en: 'English' };

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="segmented" role="group" aria-label={t('userMenu.language')} data-testid="language-switch">
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={i18n.language === locale}
          onClick={() => void changeLocale(locale)}
          data-testid={`language-${locale}`}
        >
          {NAMES[locale]}
        </button>
      ))}
    </div>
  );
}
