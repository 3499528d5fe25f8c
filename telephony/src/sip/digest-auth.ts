import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** Parses `Authorization: Digest k="v", k2=v2` (RFC 2617 §3.2.2); null when it is not a usable Digest header. */
export function parseDigestAuthorization(header: string | undefined): DigestCredentials | null {
  if (!header || !/^\s*Digest\s+/i.test(header)) return null;
  const params: Record<string, string> = {};
  const re = /([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  const rest = header.replace(/^\s*Digest\s+/i, '');
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const key = (m[1] ?? '').toLowerCase();
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  const { username, realm, nonce, uri, response } = params;
  if (!username || realm === undefined || !nonce || !uri || !response) return null;
  return {
    username,
    realm,
    nonce,
    uri,
    response,
    ...(params.algorithm ? { algorithm: params.algorithm } : {}),
    ...(params.qop ? { qop: params.qop } : {}),
    ...(params.nc ? { nc: params.nc } : {}),
    ...(params.cnonce ? { cnonce: params.cnonce } : {}),
    ...(params.opaque ? { opaque: params.opaque } : {}),
  };
}

/** HA1 of RFC 2617 §3.2.2.2: what a registrar needs to check a digest, instead of the password itself. */
export const ha1Of = (username: string, realm: string, password: string) => md5(`${username}:${realm}:${password}`);

/** The expected `response` for MD5 digest (RFC 2617 §3.2.2.1; RFC 8760 keeps MD5 for interop), qop auth or none. */
export function digestResponse(c: Omit<DigestCredentials, 'response'>, password: string, method: string): string {
  return digestResponseFromHa1(c, ha1Of(c.username, c.realm, password), method);
}

function digestResponseFromHa1(c: Omit<DigestCredentials, 'response'>, ha1: string, method: string): string {
  const ha2 = md5(`${method}:${c.uri}`);
  if (c.qop === 'auth') return md5(`${ha1}:${c.nonce}:${c.nc ?? ''}:${c.cnonce ?? ''}:auth:${ha2}`);
  return md5(`${ha1}:${c.nonce}:${ha2}`);
}

/** Constant-time check of a client's digest response. Only MD5 and qop auth/none are accepted. */
export function verifyDigest(c: DigestCredentials, password: string, method: string): boolean {
  return verifyDigestHa1(c, ha1Of(c.username, c.realm, password), method);
}

/** The same check against a stored HA1 (see `ha1Of`); the HA1 must be of `c.username` and `c.realm`. */
export function verifyDigestHa1(c: DigestCredentials, ha1: string, method: string): boolean {
  if (c.algorithm && c.algorithm.toUpperCase() !== 'MD5') return false;
  if (c.qop !== undefined && c.qop !== 'auth') return false;
  const expected = Buffer.from(digestResponseFromHa1(c, ha1, method), 'utf8');
  const got = Buffer.from(c.response.toLowerCase(), 'utf8');
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/**
 * Stateless nonces: `<issued ms>.<hmac>`, so any instance can check a nonce another one issued and nothing
 * needs storing. Replay within the lifetime is possible (we do not track nc) — acceptable for REGISTER.
 */
export function createNonce(secret: string, nowMs: number): string {
  const issued = String(nowMs);
  return `${issued}.${createHmac('sha256', secret).update(issued).digest('base64url')}`;
}

export type NonceCheck = 'valid' | 'stale' | 'invalid';

export function checkNonce(nonce: string, secret: string, nowMs: number, lifetimeMs: number): NonceCheck {
  const [issued, mac] = nonce.split('.');
  if (!issued || !mac || !/^\d+$/.test(issued)) return 'invalid';
  const expected = Buffer.from(createHmac('sha256', secret).update(issued).digest('base64url'));
  const got = Buffer.from(mac);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return 'invalid';
  const age = nowMs - Number(issued);
  return age < 0 || age > lifetimeMs ? 'stale' : 'valid';
}

export function digestChallenge(realm: string, nonce: string, stale = false): string {
  return `Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=MD5${stale ? ', stale=true' : ''}`;
}
