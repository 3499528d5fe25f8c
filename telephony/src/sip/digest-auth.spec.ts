import { describe, expect, it } from 'vitest';

import {
  checkNonce,
  createNonce,
  digestChallenge,
  digestResponse,
  parseDigestAuthorization,
  verifyDigest,
} from '@telephony/sip/digest-auth';

// RFC 2617 §3.5 example.
const RFC2617 =
  'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
  'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
  'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

describe('digest auth', () => {
  it('parses an Authorization header', () => {
    expect(parseDigestAuthorization(RFC2617)).toMatchObject({
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
      uri: '/dir/index.html',
    });
    expect(parseDigestAuthorization('Basic QWxhZGRpbjpvcGVu')).toBeNull();
    expect(parseDigestAuthorization('Digest username="x"')).toBeNull();
  });

  it('reproduces the RFC 2617 example response (qop=auth)', () => {
    const c = parseDigestAuthorization(RFC2617)!;
    expect(digestResponse(c, 'Circle Of Life', 'GET')).toBe('6629fae49393a05397450978507c4ef1');
    expect(verifyDigest(c, 'Circle Of Life', 'GET')).toBe(true);
    expect(verifyDigest(c, 'circle of life', 'GET')).toBe(false);
    expect(verifyDigest(c, 'Circle Of Life', 'REGISTER')).toBe(false);
  });

  it('supports the RFC 2069 form without qop, and refuses other algorithms', () => {
    const base = { username: '1001', realm: 'zvonok', nonce: 'n', uri: 'sip:zvonok' };
    const response = digestResponse(base, 'zvonok', 'REGISTER');
    expect(verifyDigest({ ...base, response }, 'zvonok', 'REGISTER')).toBe(true);
    expect(verifyDigest({ ...base, response, algorithm: 'SHA-256' }, 'zvonok', 'REGISTER')).toBe(false);
    expect(verifyDigest({ ...base, response, qop: 'auth-int' }, 'zvonok', 'REGISTER')).toBe(false);
  });

  it('stateless nonces: valid, stale after their lifetime, invalid when forged', () => {
    const n = createNonce('k', 1000);
    expect(checkNonce(n, 'k', 2000, 5000)).toBe('valid');
    expect(checkNonce(n, 'k', 7001, 5000)).toBe('stale');
    expect(checkNonce(n, 'other', 2000, 5000)).toBe('invalid');
    expect(checkNonce(n.replace(/^1000/, '1999'), 'k', 2000, 5000)).toBe('invalid');
    expect(checkNonce('garbage', 'k', 2000, 5000)).toBe('invalid');
    expect(digestChallenge('zvonok', n, true)).toBe(
      `Digest realm="zvonok", nonce="${n}", qop="auth", algorithm=MD5, stale=true`,
    );
  });
});
