import { describe, expect, it } from 'vitest';

import { callIdFor } from '@telephony/ami/tracker/tracker-state';
import { idTimeMs, timeOrderedId, uuidV5 } from '@telephony/model/stable-id';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV5', () => {
  it('gives the RFC 9562 example and the ids every earlier version gave: a stored id never changes meaning', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(uuidV5('ami:1764802201.42')).toBe('f50d6e6a-5757-5132-b296-92e641739cf4');
    expect(uuidV5('ami:звонок')).toBe('cd7f9265-edea-5427-b02f-8b436974086f');
    expect(timeOrderedId('ami:1764802201.42', 1_764_802_201_000)).toBe('019ae668-85a8-7132-b296-92e641739cf4');
  });
});

describe('timeOrderedId', () => {
  it('puts the time in the first 48 bits and the name hash in the rest: same name and time, same id', () => {
    const at = Date.UTC(2026, 11, 3, 22, 50, 1, 7);
    const id = timeOrderedId('ami:x', at);
    expect(id).toMatch(V7);
    expect(id.replace(/-/g, '').slice(0, 12)).toBe(at.toString(16).padStart(12, '0'));
    expect(idTimeMs(id)).toBe(at);
    expect(timeOrderedId('ami:x', at)).toBe(id);
    expect(timeOrderedId('ami:y', at)).not.toBe(id);
    // The free bits are the version-5 hash's, so a name keeps its identity across the two layouts.
    expect(id.slice(-12)).toBe(uuidV5('ami:x').slice(-12));
  });

  it('sorts by time as PostgreSQL compares uuids (bytewise), whatever the names', () => {
    const ids = [3, 1, 2].map((n) => timeOrderedId(`sip:${4 - n}`, Date.UTC(2026, n, 1)));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('refuses a time that does not fit in 48 bits; idTimeMs knows no time in a version-5 id', () => {
    expect(() => timeOrderedId('x', -1)).toThrow(RangeError);
    expect(() => timeOrderedId('x', 2 ** 48)).toThrow(RangeError);
    expect(idTimeMs(uuidV5('x'))).toBeUndefined();
  });
});

describe('callIdFor (AMI)', () => {
  it('is time-ordered on the linkedid time, the same on every node and restart', () => {
    const id = callIdFor('1764802201.42');
    expect(id).toMatch(V7);
    expect(idTimeMs(id)).toBe(1_764_802_201_000);
    expect(callIdFor('1764802201.42')).toBe(id);
    expect(callIdFor('1764802201.43')).not.toBe(id);
    // A linkedid prefixed by Asterisk's systemname carries the same time.
    expect(idTimeMs(callIdFor('pbx-a-1764802201.42'))).toBe(1_764_802_201_000);
  });

  it('keeps the version-5 id for a linkedid with no time in it', () => {
    expect(callIdFor('not-a-linkedid')).toBe(uuidV5('ami:not-a-linkedid'));
  });
});
