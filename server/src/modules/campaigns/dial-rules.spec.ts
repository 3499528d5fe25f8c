import { describe, expect, it } from 'vitest';

import { retryRulesSchema } from '@contracts/dto/campaign';

import {
  afterAttempt,
  afterDisposition,
  calleeZone,
  customerFirstLines,
  deferredUntil,
  outcomeOf,
  pace,
  scheduleOpen,
} from './dial-rules';

const rules = retryRulesSchema.parse({ maxAttempts: 3, busy: 15, 'no-answer': 120 });
const window = { from: '09:00', to: '21:00' };
const MOSCOW = '+74951234567';
const NOVOSIBIRSK = '+73832123456';
const MOBILE = '+79161234567';

describe('calleeZone', () => {
  it('takes the zone from a Russian area code, else the company zone', () => {
    expect(calleeZone(NOVOSIBIRSK, 'Europe/Moscow')).toBe('Asia/Novosibirsk');
    expect(calleeZone(MOBILE, 'Asia/Yekaterinburg')).toBe('Asia/Yekaterinburg');
  });
});

describe('deferredUntil (injected clock)', () => {
  it('lets a callee inside their window be called now', () => {
    // 12:00 in Moscow.
    expect(deferredUntil(new Date('2026-03-10T09:00:00Z'), MOSCOW, window, 'Europe/Moscow')).toBeNull();
  });

  it('defers a callee whose local time is 22:30 to 09:00 their next morning', () => {
    // 22:30 in Novosibirsk (UTC+7) is 15:30 UTC, while it is only 18:30 in Moscow.
    const now = new Date('2026-03-10T15:30:00Z');
    expect(deferredUntil(now, NOVOSIBIRSK, window, 'Europe/Moscow')).toEqual(new Date('2026-03-11T02:00:00Z'));
    // The same instant is fine for a Moscow number.
    expect(deferredUntil(now, MOSCOW, window, 'Europe/Moscow')).toBeNull();
  });

  it('defers before the window opens to the same morning; the end of the window is outside it', () => {
    expect(deferredUntil(new Date('2026-03-10T04:59:00Z'), MOSCOW, window, 'Europe/Moscow')).toEqual(
      new Date('2026-03-10T06:00:00Z'),
    );
    expect(deferredUntil(new Date('2026-03-10T18:00:00Z'), MOSCOW, window, 'Europe/Moscow')).toEqual(
      new Date('2026-03-11T06:00:00Z'),
    );
  });

  it('uses the company zone for a mobile number', () => {
    const now = new Date('2026-03-10T15:30:00Z'); // 22:30 in Novosibirsk, 18:30 in Moscow
    expect(deferredUntil(now, MOBILE, window, 'Asia/Novosibirsk')).toEqual(new Date('2026-03-11T02:00:00Z'));
    expect(deferredUntil(now, MOBILE, window, 'Europe/Moscow')).toBeNull();
  });
});

describe('scheduleOpen', () => {
  const weekdays = { 1: [window], 2: [window], 3: [window], 4: [window], 5: [window], 6: [], 7: [] };
  it('follows the campaign week in the company zone; no schedule means always', () => {
    expect(scheduleOpen(weekdays, 'Europe/Moscow', new Date('2026-03-10T09:00:00Z'))).toBe(true); // Tuesday 12:00
    expect(scheduleOpen(weekdays, 'Europe/Moscow', new Date('2026-03-14T09:00:00Z'))).toBe(false); // Saturday
    expect(scheduleOpen(null, 'Europe/Moscow', new Date('2026-03-14T09:00:00Z'))).toBe(true);
  });
});

describe('afterAttempt: retry rules per outcome', () => {
  const ended = new Date('2026-03-10T09:00:00Z');
  it('retries busy after 15 min and no answer after 2 h, until max attempts', () => {
    expect(afterAttempt('busy', 1, rules, ended)).toEqual({
      state: 'pending',
      nextDueAt: new Date('2026-03-10T09:15:00Z'),
    });
    expect(afterAttempt('no-answer', 2, rules, ended)).toEqual({
      state: 'pending',
      nextDueAt: new Date('2026-03-10T11:00:00Z'),
    });
    expect(afterAttempt('busy', 3, rules, ended)).toEqual({ state: 'failed', nextDueAt: null });
  });

  it('closes answered records, excludes refusals, and does not count attempts that never reached the customer', () => {
    expect(afterAttempt('answered', 1, rules, ended).state).toBe('done');
    expect(afterAttempt('blocked', 1, rules, ended).state).toBe('excluded');
    expect(afterAttempt('agent-no-answer', 1, rules, ended)).toEqual({ state: 'pending', nextDueAt: ended });
  });

  it('a non-closing disposition reopens the record as a no-answer would', () => {
    expect(afterDisposition('sale', ['sale'], 1, rules, ended).state).toBe('done');
    expect(afterDisposition('call later', ['sale'], 1, rules, ended)).toEqual({
      state: 'pending',
      nextDueAt: new Date('2026-03-10T11:00:00Z'),
    });
    expect(afterDisposition('call later', ['sale'], 3, rules, ended).state).toBe('failed');
  });
});

describe('outcomeOf', () => {
  it('maps the customer leg’s end', () => {
    expect(outcomeOf({ answered: true, cause: 'normal-clearing' })).toBe('answered');
    expect(outcomeOf({ answered: false, cause: 'busy' })).toBe('busy');
    expect(outcomeOf({ answered: false, cause: 'no-answer' })).toBe('no-answer');
    expect(outcomeOf({ answered: false, cause: 'cancel' })).toBe('no-answer');
    expect(outcomeOf({ answered: false, cause: 'congestion' })).toBe('failed');
    expect(outcomeOf({ answered: false, cause: 'failed', blocked: true })).toBe('blocked');
  });
});

describe('pace: the abandon cap slows progressive dialling', () => {
  it('dials one call per free operator under the cap', () => {
    expect(pace({ freeOperators: 4, abandonRate: 0.02, abandonCapPercent: 3, recentStarts: 3 })).toBe(4);
    expect(pace({ freeOperators: 4, abandonRate: null, abandonCapPercent: 3, recentStarts: 0 })).toBe(4);
    expect(pace({ freeOperators: 0, abandonRate: null, abandonCapPercent: 3, recentStarts: 0 })).toBe(0);
  });

  it('over the cap, at most one new call per interval for the whole campaign', () => {
    expect(pace({ freeOperators: 4, abandonRate: 0.05, abandonCapPercent: 3, recentStarts: 0 })).toBe(1);
    expect(pace({ freeOperators: 4, abandonRate: 0.05, abandonCapPercent: 3, recentStarts: 1 })).toBe(0);
  });
});

describe('customerFirstLines: ratio lines per free operator, less the calls still looking for one', () => {
  it('never opens more than ratio × free operators', () => {
    expect(customerFirstLines(2, 1.5, 0)).toBe(3);
    expect(customerFirstLines(1, 1.5, 0)).toBe(1);
    expect(customerFirstLines(3, 1.5, 0)).toBe(4);
    expect(customerFirstLines(10, 1.2, 0)).toBe(12);
  });
  it('counts the calls ringing or waiting in the queue', () => {
    expect(customerFirstLines(2, 1.5, 2)).toBe(1);
    expect(customerFirstLines(2, 1.5, 5)).toBe(0);
    expect(customerFirstLines(0, 1.5, 0)).toBe(0);
  });
});
