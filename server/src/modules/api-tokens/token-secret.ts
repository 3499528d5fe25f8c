import { createHash, randomBytes } from 'node:crypto';

import { API_TOKEN_PREFIX } from '@contracts/dto/api-token';

/** 30 random bytes: 240 bits, 40 base64url characters after the prefix. */
const RANDOM_BYTES = 30;
const SHAPE = new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{40}$`);
/** Shown in the UI and logs of use: enough to tell tokens apart, never enough to guess one. */
const DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 8;

export interface NewTokenSecret {
  token: string;
  prefix: string;
  hash: Buffer;
}

export function newTokenSecret(): NewTokenSecret {
  const token = `${API_TOKEN_PREFIX}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
  return { token, prefix: token.slice(0, DISPLAY_LENGTH), hash: hashToken(token) };
}

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** Whether a presented string can be a token at all; anything else is refused without a database look-up. */
export const looksLikeToken = (value: string): boolean => SHAPE.test(value);
