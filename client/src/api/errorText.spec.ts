import { beforeAll, describe, expect, it } from 'vitest';
import i18next from 'i18next';

import { errorText } from '@client/api/errorText';
import { ApiError, NETWORK_ERROR } from '@client/api/http';
import { initI18n } from '@client/i18n/i18n';

describe('errorText', () => {
  beforeAll(() => {
    initI18n('ru');
  });
  const t = i18next.getFixedT('ru');
  const tEn = i18next.getFixedT('en');

  it('maps server codes to localized text', () => {
    expect(errorText(t, new ApiError('INVALID_CREDENTIALS', 401))).toBe('Неверный логин или пароль');
    expect(errorText(tEn, new ApiError('INVALID_CREDENTIALS', 401))).toBe('Wrong login or password');
    expect(errorText(t, new ApiError(NETWORK_ERROR, 0))).toBe('Нет связи с сервером');
  });

  it('falls back by HTTP status for codes it does not know, never echoing them', () => {
    expect(errorText(t, new ApiError('SOMETHING_NEW', 403))).toBe('Недостаточно прав');
    expect(errorText(t, new ApiError('SOMETHING_NEW', 500))).toBe('Ошибка на сервере — попробуйте ещё раз');
    expect(errorText(t, new Error('boom'))).toBe('Что-то пошло не так');
  });
});
