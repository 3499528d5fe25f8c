import i18next from 'i18next';
import { beforeEach, describe, expect, it } from 'vitest';

import { changeLocale, initI18n } from '@client/i18n/i18n';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';

describe('taskTitle', () => {
  beforeEach(() => {
    initI18n('ru');
  });

  it('renders a callback of missed calls in the reader’s language with the formatted number and the count', async () => {
    await changeLocale('ru');
    const t = i18next.t.bind(i18next);
    const task = { title: '+79161234567', callbackPhone: '+79161234567' };
    expect(taskTitle({ ...task, callbackAttempts: 1 }, t, 'ru')).toBe('Перезвонить 8 (916) 123-45-67');
    expect(taskTitle({ ...task, callbackAttempts: 2 }, t, 'ru')).toBe(
      'Перезвонить 8 (916) 123-45-67 (2 пропущенных звонка)',
    );
    expect(taskTitle({ ...task, callbackAttempts: 5 }, t, 'ru')).toBe(
      'Перезвонить 8 (916) 123-45-67 (5 пропущенных звонков)',
    );
    await changeLocale('en');
    expect(taskTitle({ ...task, callbackAttempts: 2 }, i18next.t.bind(i18next), 'en')).toBe(
      'Call back +7 916 123 45 67 (2 missed calls)',
    );
  });

  it('keeps the title a person typed', () => {
    expect(taskTitle({ title: 'Отправить КП', callbackPhone: null }, i18next.t.bind(i18next), 'ru')).toBe(
      'Отправить КП',
    );
  });
});
