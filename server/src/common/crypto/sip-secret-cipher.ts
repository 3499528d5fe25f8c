import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh SIP digest secret: 144 random bits, base64url (safe in pjsip.conf, SIP headers and JSON). */
export const generateSipSecret = (): string => randomBytes(18).toString('base64url');

/** The stored secret cannot be opened: another key (SIP_SECRETS_KEY differs between nodes) or a damaged row. */
export class SipSecretUnreadableError extends Error {
  constructor(userId: string, options?: { cause?: unknown }) {
    super(
      `the SIP secret of user ${userId} cannot be decrypted: SIP_SECRETS_KEY is not the key it was stored with ` +
        '(every node needs the same one); rotating the secret replaces it',
      options,
    );
    this.name = 'SipSecretUnreadableError';
  }
}

/**
 * AES-256-GCM for SIP secrets at rest: `version ‖ iv ‖ tag ‖ ciphertext`, with the user id as additional data, so
 * a row copied onto another user does not open. The secret must be recoverable (a digest needs it, and the owner's
 * softphone receives it), hence encryption rather than a hash.
 */
export class SipSecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the SIP secrets key must be 32 bytes');
  }

  seal(userId: string, secret: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), data]);
  }

  open(userId: string, sealed: Buffer): string {
    try {
      if (sealed[0] !== VERSION) throw new Error(`unknown format ${sealed[0]}`);
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(userId, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch (err) {
      throw new SipSecretUnreadableError(userId, { cause: err });
    }
  }
}

/**
 * The key when SIP_SECRETS_KEY is unset: `file` (base64), created with mode 0600 on first start. Right for one
 * node with its embedded database in the same DATA_DIR; several nodes must share SIP_SECRETS_KEY instead.
 */
export function loadOrCreateKeyFile(file: string): Buffer {
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
