import { describe, expect, it } from 'vitest';

import { searchTerms } from '@server/common/search/search-terms';

describe('searchTerms', () => {
  it('turns a whole number in any format into its keys and digit patterns, the 8 read as the trunk prefix', () => {
    expect(searchTerms('8 916 123-45-67', 'RU')).toEqual({
      text: '%8 916 123-45-67%',
      digits: ['%89161234567%', '79161234567%'],
      e164: '+79161234567',
      last10: '9161234567',
    });
    expect(searchTerms('+7 (916) 123-45-67', 'RU').digits).toEqual(['%79161234567%']);
  });

  it.each([
    ['916', ['%916%']],
    ['123-45-67', ['%1234567%']],
    ['4567', ['%4567%']],
    ['8 916', ['%8916%', '7916%']],
  ])('matches the partial number %j anywhere in the digits', (q, digits) => {
    expect(searchTerms(q, 'RU')).toMatchObject({ digits, e164: null, last10: null });
  });

  it('needs three digits for a number, and reads the 8 as a digit outside +7 countries', () => {
    expect(searchTerms('91', 'RU').digits).toBeNull();
    expect(searchTerms('8 030 1234', 'DE').digits).toEqual(['%80301234%']);
  });

  it('keeps text as a substring, spaces squashed', () => {
    expect(searchTerms('  елкина   анна ', 'RU')).toEqual({
      text: '%елкина анна%',
      digits: null,
      e164: null,
      last10: null,
    });
    expect(searchTerms('Я', 'RU').text).toBe('%Я%');
    expect(searchTerms('  ', 'RU').text).toBeNull();
  });

  it('escapes LIKE wildcards, so they match themselves', () => {
    expect(searchTerms('50%_off\\', 'RU').text).toBe('%50\\%\\_off\\\\%');
  });
});
