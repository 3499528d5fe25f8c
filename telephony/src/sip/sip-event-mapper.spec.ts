import { describe, expect, it } from 'vitest';

import { HANGUP_CAUSES } from '@telephony/model/hangup-cause';
import { idTimeMs } from '@telephony/model/stable-id';
import {
  callerParty,
  calledParty,
  callIdForSip,
  causeFromBye,
  causeFromSipFailure,
  causeFromSipStatus,
  isHoldDirection,
  legIdForSip,
  parseNameAddr,
  q850FromReason,
  referReplaces,
  referTarget,
  sdpDirection,
} from '@telephony/sip/sip-event-mapper';

describe('causeFromSipStatus', () => {
  it.each([
    [200, 'normal-clearing'],
    [486, 'busy'],
    [600, 'busy'],
    [480, 'no-answer'],
    [408, 'no-answer'],
    [504, 'no-answer'],
    [603, 'no-answer'],
    [404, 'not-found'],
    [484, 'not-found'],
    [604, 'not-found'],
    [410, 'not-found'],
    [503, 'congestion'],
    [502, 'congestion'],
    [500, 'congestion'],
    [302, 'forwarded'],
    [301, 'forwarded'],
    [487, 'cancel'],
    [488, 'failed'],
    [415, 'failed'],
    [599, 'congestion'],
    [499, 'failed'],
    [699, 'busy'],
  ] as const)('%i → %s', (status, cause) => {
    expect(causeFromSipStatus(status)).toBe(cause);
  });

  it('maps every final status to one of the normalized causes', () => {
    for (let s = 200; s < 700; s += 1) expect(HANGUP_CAUSES).toContain(causeFromSipStatus(s));
  });
});

describe('Reason header (RFC 3326)', () => {
  it('reads the Q.850 cause', () => {
    expect(q850FromReason('Q.850;cause=17;text="User busy"')).toBe(17);
    expect(q850FromReason('Q.850 ; cause = 16')).toBe(16);
    expect(q850FromReason('SIP;cause=200;text="Call completed elsewhere"')).toBeUndefined();
    expect(q850FromReason(undefined)).toBeUndefined();
  });

  it('a Q.850 cause wins over the status, except for 487 (our own cancel)', () => {
    expect(causeFromSipFailure(480, 'Q.850;cause=17')).toEqual({ cause: 'busy', rawCause: 'SIP 480; Q.850 17' });
    expect(causeFromSipFailure(487, 'Q.850;cause=16')).toEqual({ cause: 'cancel', rawCause: 'SIP 487' });
    expect(causeFromSipFailure(503)).toEqual({ cause: 'congestion', rawCause: 'SIP 503' });
  });

  it('a BYE is normal clearing unless its Reason says otherwise', () => {
    expect(causeFromBye(undefined)).toEqual({ cause: 'normal-clearing' });
    expect(causeFromBye('Q.850;cause=16')).toEqual({ cause: 'normal-clearing', rawCause: 'Q.850 16' });
    expect(causeFromBye('Q.850;cause=41')).toEqual({ cause: 'congestion', rawCause: 'Q.850 41' });
  });
});

describe('sdpDirection', () => {
  const sdp = (...attrs: string[]) =>
    [
      'v=0',
      'o=- 1 1 IN IP4 10.0.0.1',
      's=-',
      'c=IN IP4 10.0.0.1',
      't=0 0',
      'm=audio 4000 RTP/AVP 8',
      ...attrs,
      '',
    ].join('\r\n');

  it('reads the audio stream attribute, defaulting to sendrecv', () => {
    expect(sdpDirection(sdp('a=sendonly'))).toBe('sendonly');
    expect(sdpDirection(sdp('a=inactive'))).toBe('inactive');
    expect(sdpDirection(sdp('a=recvonly'))).toBe('recvonly');
    expect(sdpDirection(sdp('a=rtpmap:8 PCMA/8000'))).toBe('sendrecv');
    expect(sdpDirection(undefined)).toBe('sendrecv');
  });

  it('falls back to the session-level attribute and treats c=0.0.0.0 (RFC 2543 hold) as inactive', () => {
    expect(sdpDirection('v=0\r\na=sendonly\r\nm=audio 4000 RTP/AVP 8\r\n')).toBe('sendonly');
    expect(sdpDirection(sdp('a=sendrecv').replace('c=IN IP4 10.0.0.1', 'c=IN IP4 0.0.0.0'))).toBe('inactive');
  });

  it('only sendonly and inactive are a hold', () => {
    expect([isHoldDirection('sendonly'), isHoldDirection('inactive')]).toEqual([true, true]);
    expect([isHoldDirection('sendrecv'), isHoldDirection('recvonly')]).toEqual([false, false]);
  });
});

describe('parties', () => {
  it('parses name-addr and addr-spec forms', () => {
    expect(parseNameAddr('"Ivan \\"Vanya\\" Petrov" <sip:+79161234567@trunk;user=phone>;tag=abc')).toEqual({
      name: 'Ivan "Vanya" Petrov',
      user: '+79161234567',
      uri: 'sip:+79161234567@trunk;user=phone',
    });
    expect(parseNameAddr('Maria <sip:89161112233@10.0.0.1>')).toMatchObject({ name: 'Maria', user: '89161112233' });
    expect(parseNameAddr('sip:1001@pbx;tag=x')).toMatchObject({ name: null, user: '1001', uri: 'sip:1001@pbx' });
    expect(parseNameAddr('<tel:%2B74951234567>')).toMatchObject({ user: '+74951234567' });
  });

  it('normalizes the caller to E.164 (+7 and 8 prefixes)', () => {
    expect(callerParty({ from: '"Ivan" <sip:+79161234567@trunk>;tag=1' })).toMatchObject({
      e164: '+79161234567',
      name: 'Ivan',
      anonymous: false,
    });
    expect(callerParty({ from: '<sip:89161234567@trunk>;tag=1' }).e164).toBe('+79161234567');
  });

  it('withheld callers are anonymous, even when a P-Asserted-Identity is present', () => {
    const anon = { raw: 'anonymous', e164: null, extension: null, anonymous: true, name: null };
    expect(callerParty({ from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1' })).toMatchObject(anon);
    expect(
      callerParty({
        from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1',
        pAssertedIdentity: '<sip:+79161234567@trunk>',
        privacy: 'id',
      }),
    ).toMatchObject(anon);
    // The number in From is not kept either (raw was the From user before).
    expect(callerParty({ from: '"Ivan" <sip:+79161234567@trunk>', privacy: 'Id; critical' })).toEqual(anon);
    expect(callerParty({ from: '<sip:restricted@trunk>' })).toMatchObject({ anonymous: true });
  });

  it('P-Asserted-Identity (trusted trunk) wins over From without privacy', () => {
    expect(
      callerParty({ from: '<sip:0000@trunk>', pAssertedIdentity: '"Oleg" <sip:+74951234567@trunk>' }),
    ).toMatchObject({
      e164: '+74951234567',
      name: 'Oleg',
    });
  });

  it('the called party is the Request-URI user (the DID)', () => {
    expect(calledParty('sip:7000@127.0.0.1:5060', '<sip:other@x>')).toMatchObject({ extension: '7000' });
    expect(calledParty('sip:+74950000000@trunk', undefined).e164).toBe('+74950000000');
  });

  it('REFER targets', () => {
    expect(referTarget('<sip:1002@pbx>')).toEqual({ extension: '1002', uri: 'sip:1002@pbx' });
    expect(referTarget('<sip:1003@pbx?Replaces=abc%3Bto-tag%3D1>')).toEqual({ extension: '1003', uri: 'sip:1003@pbx' });
    expect(referTarget(undefined)).toEqual({ extension: null, uri: null });
  });
});

describe('referReplaces', () => {
  it('reads the replaced dialog of an attended transfer from the URI-encoded Replaces header', () => {
    expect(referReplaces('<sip:1003@pbx?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>')).toEqual({
      callId: 'abc@host',
      toTag: '1',
      fromTag: '2',
    });
    expect(referReplaces('<sip:1003@pbx?Subject=x&replaces=c1%3Bfrom-tag%3Df>')).toEqual({
      callId: 'c1',
      toTag: null,
      fromTag: 'f',
    });
  });

  it('is null for a blind transfer, an empty or broken Replaces', () => {
    expect(referReplaces('<sip:1002@pbx>')).toBeNull();
    expect(referReplaces(undefined)).toBeNull();
    expect(referReplaces('<sip:1002@pbx?Replaces=>')).toBeNull();
    expect(referReplaces('<sip:1002@pbx?Replaces=%E0%A4%A>')).toBeNull();
  });
});

describe('ids', () => {
  it('callId is time-ordered on the INVITE arrival, stable per Call-ID and time, distinct per Call-ID and from leg ids', () => {
    const at = Date.UTC(2026, 0, 15, 10, 0, 0, 123);
    const a = callIdForSip('1-10760@127.0.0.1', at);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idTimeMs(a)).toBe(at);
    expect(callIdForSip('1-10760@127.0.0.1', at)).toBe(a);
    expect(callIdForSip('2-10760@127.0.0.1', at)).not.toBe(a);
    expect(legIdForSip('1-10760@127.0.0.1')).not.toBe(a);
  });
});
