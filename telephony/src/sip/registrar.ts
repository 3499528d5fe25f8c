import { randomBytes } from 'node:crypto';

import {
  checkNonce,
  createNonce,
  digestChallenge,
  parseDigestAuthorization,
  verifyDigest,
  verifyDigestHa1,
} from '@telephony/sip/digest-auth';
import type { RegistrationStore } from '@telephony/sip/registration-store';
import { parseNameAddr } from '@telephony/sip/sip-event-mapper';

/**
 * Looks up an operator's SIP password (or its HA1 for the registrar's realm) by extension; null when the extension
 * may not register.
 */
export type CredentialsLookup = (extension: string) => Promise<{ password: string } | { ha1: string } | null>;

export interface RegistrarOptions {
  credentials: CredentialsLookup;
  store: RegistrationStore;
  /** Digest realm; phones show it and hash it into HA1. Default `zvonok`. */
  realm?: string;
  /** Key for stateless nonces; share it between instances. Default: random per process. */
  nonceSecret?: string;
  nonceLifetimeMs?: number;
  /** Granted expires is clamped into [minExpires, maxExpires] (seconds). Defaults 60 and 3600. */
  minExpires?: number;
  maxExpires?: number;
  clock?: () => number;
}

/** The parts of a REGISTER the registrar reads. */
export interface RegisterRequest {
  method: string;
  uri: string;
  get(name: string): string | undefined;
}

export interface RegisterReply {
  status: number;
  reason?: string;
  headers: Record<string, string>;
}

const DEFAULT_EXPIRES = 3600;

/**
 * REGISTER handling (RFC 3261 §10.3) with MD5 digest auth (RFC 2617, qop=auth per RFC 8760 for old phones).
 * Deliberately small: one binding per extension (the latest REGISTER wins), no Path/GRUU/outbound.
 */
export class Registrar {
  private readonly realm: string;
  private readonly secret: string;
  private readonly clock: () => number;

  constructor(private readonly options: RegistrarOptions) {
    this.realm = options.realm ?? 'zvonok';
    this.secret = options.nonceSecret ?? randomBytes(32).toString('hex');
    this.clock = options.clock ?? Date.now;
  }

  async handle(req: RegisterRequest): Promise<RegisterReply> {
    if (req.method !== 'REGISTER') return { status: 405, headers: { Allow: 'REGISTER' } };
    const extension = parseNameAddr(req.get('To')).user;
    if (!extension) return { status: 400, reason: 'Bad To', headers: {} };

    const auth = parseDigestAuthorization(req.get('Authorization'));
    if (!auth) return this.challenge(false);
    const nonce = checkNonce(auth.nonce, this.secret, this.clock(), this.options.nonceLifetimeMs ?? 300_000);
    if (nonce !== 'valid') return this.challenge(nonce === 'stale');
    if (auth.realm !== this.realm || auth.username !== extension) return { status: 403, headers: {} };
    const creds = await this.options.credentials(extension);
    const verified =
      creds !== null &&
      ('ha1' in creds ? verifyDigestHa1(auth, creds.ha1, 'REGISTER') : verifyDigest(auth, creds.password, 'REGISTER'));
    if (!verified) return { status: 403, headers: {} };

    const contactHeader = req.get('Contact');
    const headerExpires = parseExpires(req.get('Expires'));
    if (!contactHeader) {
      const current = await this.options.store.get(extension);
      return { status: 200, headers: current ? { Contact: `<${current.contact}>` } : {} };
    }
    if (contactHeader.trim() === '*') {
      if (headerExpires !== 0) return { status: 400, reason: 'Wildcard needs Expires: 0', headers: {} };
      await this.options.store.remove(extension);
      return { status: 200, headers: {} };
    }
    const contact = parseNameAddr(contactHeader).uri;
    if (!contact) return { status: 400, reason: 'Bad Contact', headers: {} };
    const asked = parseExpires(/;\s*expires\s*=\s*(\d+)/i.exec(contactHeader)?.[1]) ?? headerExpires ?? DEFAULT_EXPIRES;
    if (asked === 0) {
      await this.options.store.remove(extension, contact);
      return { status: 200, headers: {} };
    }
    const min = this.options.minExpires ?? 60;
    if (asked < min) return { status: 423, reason: 'Interval Too Brief', headers: { 'Min-Expires': String(min) } };
    const granted = Math.min(asked, this.options.maxExpires ?? DEFAULT_EXPIRES);
    await this.options.store.put(extension, contact, granted);
    return { status: 200, headers: { Contact: `<${contact}>;expires=${granted}` } };
  }

  private challenge(stale: boolean): RegisterReply {
    return {
      status: 401,
      headers: { 'WWW-Authenticate': digestChallenge(this.realm, createNonce(this.secret, this.clock()), stale) },
    };
  }
}

function parseExpires(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}
