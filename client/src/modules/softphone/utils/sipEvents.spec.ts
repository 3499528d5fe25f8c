import { describe, expect, it } from 'vitest';

import { domainOf, endReasonOf, SIP_CAUSES, targetUri } from '@client/modules/softphone/utils/sipEvents';

describe('endReasonOf', () => {
  it('maps hang-ups of an established call to who hung up', () => {
    expect(endReasonOf('local', SIP_CAUSES.bye, true)).toBe('local');
    expect(endReasonOf('remote', SIP_CAUSES.bye, true)).toBe('remote');
    expect(endReasonOf('system', 'RTP Timeout', true)).toBe('failed');
  });

  it('maps unanswered outcomes', () => {
    expect(endReasonOf('local', SIP_CAUSES.rejected, false)).toBe('rejected');
    expect(endReasonOf('remote', SIP_CAUSES.rejected, false)).toBe('busy');
    expect(endReasonOf('remote', SIP_CAUSES.busy, false)).toBe('busy');
    expect(endReasonOf('remote', SIP_CAUSES.canceled, false)).toBe('unanswered');
    expect(endReasonOf('local', SIP_CAUSES.canceled, false)).toBe('local');
    expect(endReasonOf('remote', SIP_CAUSES.noAnswer, false)).toBe('unanswered');
    expect(endReasonOf('system', SIP_CAUSES.requestTimeout, false)).toBe('unanswered');
    expect(endReasonOf('remote', 'Not Found', false)).toBe('failed');
  });

  it('recognises a denied microphone and a lost connection', () => {
    expect(endReasonOf('local', SIP_CAUSES.userDeniedMedia, false)).toBe('microphone-denied');
    expect(endReasonOf('system', SIP_CAUSES.connectionError, true)).toBe('connection-lost');
  });
});

describe('targetUri', () => {
  it('turns extensions and numbers as typed into SIP URIs on the PBX domain', () => {
    expect(targetUri('1002', '127.0.0.1')).toBe('sip:1002@127.0.0.1');
    expect(targetUri('8 (916) 123-45-67', 'pbx')).toBe('sip:89161234567@pbx');
    expect(targetUri('+7 916 123 45 67', 'pbx')).toBe('sip:+79161234567@pbx');
    expect(targetUri('sip:someone@elsewhere', 'pbx')).toBe('sip:someone@elsewhere');
  });

  it('refuses garbage', () => {
    expect(targetUri('', 'pbx')).toBeNull();
    expect(targetUri('call me', 'pbx')).toBeNull();
    expect(targetUri('1', 'pbx')).toBeNull();
  });
});

describe('domainOf', () => {
  it('takes the host of a SIP URI', () => {
    expect(domainOf('sip:1001-web@127.0.0.1')).toBe('127.0.0.1');
    expect(domainOf('sip:pbx.example.com')).toBe('pbx.example.com');
  });
});
