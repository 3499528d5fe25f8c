import { describe, expect, it } from 'vitest';

import { lastTenDigits, toE164, toParty } from './normalize-phone';

describe('toE164', () => {
  it.each([
    ['+7 (495) 123-45-67', '+74951234567'],
    ['8 495 123 45 67', '+74951234567'],
    ['84951234567', '+74951234567'],
    ['74951234567', '+74951234567'],
    ['007 495 123 45 67', '+74951234567'],
    ['810 44 20 7946 0958', '+442079460958'],
    ['+44 20 7946 0958', '+442079460958'],
    ['89161234567', '+79161234567'],
    ['tel:+79161234567', '+79161234567'],
    ['sip:89161234567@10.0.0.1', '+79161234567'],
  ])('%s -> %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['', 'anonymous', 'ABC', '12', '+7 abc 123', '8800'])('rejects %j', (input) => {
    expect(toE164(input)).toBeNull();
  });
});

describe('toParty', () => {
  it('marks withheld callers anonymous and never gives them a number', () => {
    for (const raw of ['anonymous', 'Anonymous', 'restricted', '', '<unknown>']) {
      expect(toParty(raw)).toMatchObject({ anonymous: true, e164: null });
    }
  });
  it('keeps extensions out of E.164', () => {
    expect(toParty('1001', 'Olga')).toEqual({
      raw: '1001',
      e164: null,
      extension: '1001',
      name: 'Olga',
      anonymous: false,
    });
  });
  it('drops a name that only repeats the number', () => {
    expect(toParty('89161234567', '89161234567').name).toBeNull();
  });
});

describe('lastTenDigits', () => {
  it('keys RU numbers by their national part', () => {
    expect(lastTenDigits('8 (916) 123-45-67')).toBe('9161234567');
    expect(lastTenDigits('+7 916 123 45 67')).toBe('9161234567');
    expect(lastTenDigits('123')).toBeNull();
  });
});
