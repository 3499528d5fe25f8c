import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

import { en } from '@client/i18n/en';
import { ru } from '@client/i18n/ru';

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'zvonok.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The remembered choice wins over everything; Russian is the default for a first visit. */
export function storedLocale(): Locale | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    // Storage can be disabled (privacy mode); the UI still works, it just forgets.
    return null;
  }
}

export async function changeLocale(locale: Locale): Promise<void> {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // See storedLocale: not remembering is acceptable.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  await i18next.changeLanguage(locale);
}

export function currentLocale(): Locale {
  return isLocale(i18next.language) ? i18next.language : 'ru';
}

/** Initialises the shared i18next instance synchronously (resources are bundled, nothing to fetch). */
export function initI18n(locale: Locale = storedLocale() ?? 'ru'): typeof i18next {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources: { ru: { translation: ru }, en: { translation: en } },
      lng: locale,
      fallbackLng: 'ru',
      supportedLngs: [...LOCALES],
      interpolation: { escapeValue: false }, // React escapes on render
      initAsync: false,
      returnNull: false,
    });
  } else if (i18next.language !== locale) {
    void i18next.changeLanguage(locale);
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  return i18next;
}
