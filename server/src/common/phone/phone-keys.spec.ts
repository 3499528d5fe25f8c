import { describe, expect, it } from 'vitest';

import { phoneKeys } from '@server/common/phone/phone-keys';

describe('phoneKeys', () => {
  it.each(['+7 916 123-45-67', '8 (916) 123 45 67', '79161234567', '9161234567'])('normalizes %j', (raw) => {
    expect(phoneKeys(raw, 'RU')).toEqual({ e164: '+79161234567', last10: '9161234567' });
  });

  it('keeps the last-10 key for odd RU forms it cannot parse', () => {
    expect(phoneKeys('007 916 123 45 67', 'RU').last10).toBe('9161234567');
  });

  it('has no last-10 key for non-+7 numbers', () => {
    expect(phoneKeys('+44 20 7946 0958', 'RU')).toEqual({ e164: '+442079460958', last10: null });
  });

  it('returns nulls for text', () => {
    expect(phoneKeys('Иванов', 'RU')).toEqual({ e164: null, last10: null });
  });
});
