import { describe, expect, it } from 'vitest';

import { isWebrtcUri } from '@telephony/sip/media-anchor';

describe('isWebrtcUri', () => {
  it('knows a contact registered over WebSocket (JsSIP’s .invalid host, ws or wss) from a desk phone’s', () => {
    expect(isWebrtcUri('sip:k3b8x1@df7jal23ls0d.invalid;transport=ws')).toBe(true);
    expect(isWebrtcUri('sip:1001-web@127.0.0.1:8089;transport=WSS;ob')).toBe(true);
    expect(isWebrtcUri('<sip:1001-web@10.0.0.1;transport=ws>')).toBe(true);
    expect(isWebrtcUri('sip:1001@127.0.0.1:5071')).toBe(false);
    expect(isWebrtcUri('sip:1001@127.0.0.1:5071;transport=tcp')).toBe(false);
    expect(isWebrtcUri('sip:1001@127.0.0.1;transport=wsx')).toBe(false);
  });
});
