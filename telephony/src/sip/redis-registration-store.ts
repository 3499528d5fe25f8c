import type { Redis } from 'ioredis';

import type { Registration, RegistrationStore } from '@telephony/sip/registration-store';

/**
 * Registrations in Redis: one key per extension whose TTL is the granted `expires`, so Redis itself forgets a
 * phone that stops refreshing, and every server instance behind the same Redis sees the same bindings.
 */
export class RedisRegistrationStore implements RegistrationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'zvonok:sip:reg:',
  ) {}

  async put(extension: string, contact: string, expiresSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.round(expiresSeconds));
    const value: Registration = { extension, contact, expiresAt: Date.now() + ttl * 1000 };
    await this.redis.set(this.key(extension), JSON.stringify(value), 'EX', ttl);
  }

  async remove(extension: string, contact?: string): Promise<void> {
    if (contact === undefined) {
      await this.redis.del(this.key(extension));
      return;
    }
    // Compare-and-delete in one step, so a newer registration from another phone is never removed.
    await this.redis.eval(
      "local v = redis.call('GET', KEYS[1]) if v and cjson.decode(v).contact == ARGV[1] then " +
        "return redis.call('DEL', KEYS[1]) end return 0",
      1,
      this.key(extension),
      contact,
    );
  }

  async get(extension: string): Promise<Registration | null> {
    const raw = await this.redis.get(this.key(extension));
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<Registration>;
      if (typeof parsed.contact !== 'string' || typeof parsed.expiresAt !== 'number') return null;
      return { extension, contact: parsed.contact, expiresAt: parsed.expiresAt };
    } catch {
      return null;
    }
  }

  private key(extension: string): string {
    return `${this.prefix}${extension}`;
  }
}
