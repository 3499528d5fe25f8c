import { describe, expect, it } from 'vitest';

import { generateSipSecret, SipSecretCipher, SipSecretUnreadableError } from '@server/common/crypto/sip-secret-cipher';

const cipher = new SipSecretCipher(Buffer.alloc(32, 1));

describe('SipSecretCipher', () => {
  it('opens what it sealed for the same user; the sealed bytes do not contain the secret', () => {
    const secret = generateSipSecret();
    const sealed = cipher.seal('user-a', secret);
    expect(sealed.includes(Buffer.from(secret))).toBe(false);
    expect(cipher.open('user-a', sealed)).toBe(secret);
  });

  it('refuses a row copied onto another user, another key, and a damaged row, naming SIP_SECRETS_KEY', () => {
    const sealed = cipher.seal('user-a', generateSipSecret());
    const damaged = Buffer.from(sealed);
    damaged[damaged.length - 1]! ^= 1;
    for (const open of [
      () => cipher.open('user-b', sealed),
      () => new SipSecretCipher(Buffer.alloc(32, 2)).open('user-a', sealed),
      () => cipher.open('user-a', damaged),
    ]) {
      expect(open).toThrow(SipSecretUnreadableError);
      expect(open).toThrow(/SIP_SECRETS_KEY/);
    }
  });

  it('generates different 144-bit secrets in the characters pjsip.conf and SIP accept', () => {
    const a = generateSipSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generateSipSecret()).not.toBe(a);
  });
});
