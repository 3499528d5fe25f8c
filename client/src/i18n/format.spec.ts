import { describe, expect, it } from 'vitest';

import { formatDuration, formatMoney, formatPhone, formatTimeZone, phoneHref } from '@client/i18n/format';

describe('formatPhone', () => {
  it('shows Russian numbers as dialled in Russia in the Russian UI and internationally in English', () => {
    expect(formatPhone('+79161234567', 'ru')).toBe('8 (916) 123-45-67');
    expect(formatPhone('+79161234567', 'en')).toBe('+7 916 123 45 67');
    expect(formatPhone('+74957654321', 'ru')).toBe('8 (495) 765-43-21');
  });

  it('keeps foreign numbers international in both locales', () => {
    expect(formatPhone('+442079460958', 'ru')).toBe('+44 20 7946 0958');
  });

  it('passes through what it cannot parse (extensions, garbage) and blanks for nothing', () => {
    expect(formatPhone('1001', 'ru')).toBe('1001');
    expect(formatPhone('anonymous', 'en')).toBe('anonymous');
    expect(formatPhone(null, 'ru')).toBe('');
  });

  it('builds a tel: URI in E.164 from any stored form', () => {
    expect(phoneHref('8 (916) 123-45-67')).toBe('tel:+79161234567');
  });
});

describe('numbers and durations', () => {
  it('formats money per locale without kopecks', () => {
    expect(formatMoney('150000.00', 'ru').replace(/\s/g, ' ')).toBe('150 000 ₽');
    expect(formatMoney('150000.00', 'en')).toBe('₽150,000');
    expect(formatMoney('99.5', 'en', 'USD')).toBe('$100');
    expect(formatMoney('12500.5', 'en', 'RUB', 2)).toBe('₽12,500.50');
    expect(formatMoney(null, 'ru')).toBe('');
  });

  it('formats call durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('formatTimeZone', () => {
  const at = new Date('2026-11-23T12:00:00Z');
  it('names a zone in the reader’s language with its offset, not by its IANA id', () => {
    expect(formatTimeZone('Europe/Moscow', 'ru', at)).toBe('Москва, стандартное время (GMT+3)');
    expect(formatTimeZone('Asia/Yekaterinburg', 'ru', at)).toMatch(/^Екатеринбург.* \(GMT\+5\)$/);
    expect(formatTimeZone('Europe/Moscow', 'en', at)).toBe('Moscow Standard Time (GMT+3)');
  });
  it('keeps UTC as UTC and an unknown zone as its id', () => {
    expect(formatTimeZone('UTC', 'ru', at)).toBe('UTC');
    expect(formatTimeZone('Mars/Olympus', 'ru', at)).toBe('Mars/Olympus');
  });
});
