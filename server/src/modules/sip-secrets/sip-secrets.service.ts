import { type DataSource } from 'typeorm';

import { type SipCredential } from '@telephony';
import { type Logger } from '@server/common/logger/logger';

import {
  generateSipSecret,
  type SipSecretCipher,
  SipSecretUnreadableError,
} from '@server/common/crypto/sip-secret-cipher';
import { activeSipEndpointOwners } from './sip-endpoints.read-model';
import { SipSecretsRepository } from './sip-secrets.repository';

/** The WebRTC twin of a desk extension, as named in the PBX profile. */
export const webEndpointOf = (extension: string) => `${extension}-web`;

/**
 * One SIP digest secret per user, for both of their endpoints: the desk phone `<ext>` and the softphone
 * `<ext>-web`. Generated here (never chosen by a person), stored sealed, opened only for the owner's own softphone
 * config and for provisioning the PBX. Nothing here logs a secret.
 */
export class SipSecretsService {
  private readonly repo: SipSecretsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: SipSecretCipher,
    private readonly logger?: Logger,
  ) {
    this.repo = new SipSecretsRepository(dataSource);
  }

  /** The user's secret, generated on first use. */
  async secretOf(userId: string): Promise<string> {
    let row = await this.repo.find(userId);
    if (!row) {
      await this.repo.insertIfAbsent(userId, this.cipher.seal(userId, generateSipSecret()));
      row = await this.repo.find(userId);
    }
    if (!row) throw new Error(`no SIP secret stored for user ${userId}`);
    return this.cipher.open(userId, row.secret);
  }

  /** A new secret replaces the old one, which stops working once the PBX is synced. Returns when it was rotated. */
  async rotate(userId: string): Promise<Date> {
    return (await this.repo.replace(userId, this.cipher.seal(userId, generateSipSecret()))).rotatedAt;
  }

  /**
   * What the PBX should accept: both endpoints of every active user with an extension. A user without a secret
   * gets one now; one whose secret cannot be opened is left out (their phones are refused) and logged, since
   * provisioning the others must not stop for them.
   */
  async credentials(): Promise<SipCredential[]> {
    let owners = await activeSipEndpointOwners(this.dataSource);
    const missing = owners.filter((o) => o.sealed === null);
    if (missing.length) {
      for (const { userId } of missing) {
        await this.repo.insertIfAbsent(userId, this.cipher.seal(userId, generateSipSecret()));
      }
      owners = await activeSipEndpointOwners(this.dataSource);
    }
    const credentials: SipCredential[] = [];
    for (const owner of owners) {
      if (!owner.sealed) continue;
      let password: string;
      try {
        password = this.cipher.open(owner.userId, owner.sealed);
      } catch (err) {
        if (!(err instanceof SipSecretUnreadableError)) throw err;
        this.logger?.error({ userId: owner.userId, extension: owner.extension }, err.message);
        continue;
      }
      credentials.push({ username: owner.extension, password }, { username: webEndpointOf(owner.extension), password });
    }
    return credentials;
  }
}
