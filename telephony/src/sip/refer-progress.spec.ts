import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { sipfrag } from '@telephony/sip/refer-progress';

describe('sipfrag: the body of a REFER progress NOTIFY', () => {
  it('is the status line with the usual phrase, or the one given', () => {
    expect(sipfrag(100)).toBe('SIP/2.0 100 Trying\r\n');
    expect(sipfrag(200)).toBe('SIP/2.0 200 OK\r\n');
    expect(sipfrag(486, 'Busy Here')).toBe('SIP/2.0 486 Busy Here\r\n');
    expect(sipfrag(599)).toBe('SIP/2.0 599\r\n');
  });

  it('is always one well-formed status line, whatever status and phrase it is handed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.option(fc.string(), { nil: undefined }), (status, reason) => {
        expect(sipfrag(status, reason)).toMatch(/^SIP\/2\.0 [1-6]\d\d( [^\r\n]+)?\r\n$/);
      }),
    );
  });
});
