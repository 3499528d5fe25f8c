import { type TFunction } from 'i18next';

import { formatPhone } from '@client/i18n/format';
import { type Locale } from '@client/i18n/i18n';

/** What a task needs to be titled: a callback of missed calls carries its number and count instead of a text. */
export interface TitledTask {
  title: string;
  callbackPhone?: string | null;
  callbackAttempts?: number | null;
}

/**
 * The title a person reads. A callback task the server made from missed calls stores only the number (the server
 * does not know the reader's language), so it is rendered here: "Перезвонить 8 (916) 123-45-67 (2 пропущенных
 * звонка)". Every other task shows the title its author typed.
 */
export function taskTitle(task: TitledTask, t: TFunction, locale: Locale): string {
  if (!task.callbackPhone) return task.title;
  const phone = formatPhone(task.callbackPhone, locale);
  const attempts = task.callbackAttempts ?? 1;
  return attempts > 1
    ? t('tasks.callbackTitleRepeated', { phone, missed: t('tasks.missedCalls', { count: attempts }) })
    : t('tasks.callbackTitle', { phone });
}
