import { describe, expect, it } from 'vitest';

import { hashToken, looksLikeToken, newTokenSecret } from './token-secret';

describe('API token secrets', () => {
  it('start with zv_, carry 240 random bits and show only their first 11 characters', () => {
    const { token, prefix, hash } = newTokenSecret();
    expect(token).toMatch(/^zv_[A-Za-z0-9_-]{40}$/);
    expect(prefix).toBe(token.slice(0, 11));
    expect(hash.equals(hashToken(token))).toBe(true);
    expect(newTokenSecret().token).not.toBe(token);
  });

  it('refuse anything not shaped like a token before any look-up', () => {
    expect(looksLikeToken(newTokenSecret().token)).toBe(true);
    expect(looksLikeToken('zv_short')).toBe(false);
    expect(looksLikeToken(`xx_${'a'.repeat(40)}`)).toBe(false);
    expect(looksLikeToken(`zv_${'a'.repeat(40)} `)).toBe(false);
  });
});
