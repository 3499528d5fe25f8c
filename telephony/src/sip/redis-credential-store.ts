import type { Redis } from 'ioredis';

import { ha1Of } from '@telephony/sip/digest-auth';
import type { SipCredential } from '@telephony/provider';
import type { CredentialsLookup } from '@telephony/sip/registrar';

/** Where the registrar finds each phone's secret; written whole by `SipProvider.syncCredentials`. */
export interface CredentialStore {
  /** Replaces every credential at once, so a user left out (deactivated) can no longer register. */
  replaceAll(credentials: readonly SipCredential[], realm: string): Promise<void>;
  lookup: CredentialsLookup;
}

/**
 * Credentials in one Redis hash, username → HA1 (md5 of `user:realm:password`): enough to check a digest, while
 * Redis never holds a password a phone or another realm would accept. Every registrar instance behind the same
 * Redis reads the same set.
 */
export class RedisCredentialStore implements CredentialStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'zvonok:sip:credentials',
  ) {}

  async replaceAll(credentials: readonly SipCredential[], realm: string): Promise<void> {
    const entries = credentials.map((c) => [c.username, ha1Of(c.username, realm, c.password)] as const);
    const transaction = this.redis.multi().del(this.key);
    if (entries.length) transaction.hset(this.key, Object.fromEntries(entries));
    await transaction.exec();
  }

  readonly lookup: CredentialsLookup = async (username) => {
    const ha1 = await this.redis.hget(this.key, username);
    return ha1 ? { ha1 } : null;
  };
}
