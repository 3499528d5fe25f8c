/**
 * The only public entry of the telephony package: the provider factory, the event model and the phone helpers.
 * The server imports from here and nowhere else; the adapters' own classes stay inside (tests reach them by path).
 */
import { type Redis } from 'ioredis';

import { AmiProvider, type AmiProviderConfig } from './ami/ami-provider';
import { DemoTelephony, type DemoTelephonyConfig } from './demo/demo-telephony';
import { TelephonyError } from './errors';
import { RedisDialogStore } from './sip/dialog-store';
import { RedisCredentialStore } from './sip/redis-credential-store';
import { RedisRegistrationStore } from './sip/redis-registration-store';
import { createSipProvider, type SipProviderConfig } from './sip/sip-provider';
import type { SipCredentialsSource, TelephonyProvider } from './provider';

export type * from './model/call-event';
export type * from './model/call-status';
export { HANGUP_CAUSES, type HangupCause } from './model/hangup-cause';
export type {
  TelephonyProvider,
  OriginateRequest,
  CallbackRequest,
  CustomerFirstRequest,
  CustomerFirstResult,
  SpyMode,
  SipCredential,
  SipCredentialsSource,
} from './provider';
export { TelephonyError, type TelephonyErrorCode } from './errors';
export { uuidV5, timeOrderedId, idTimeMs, TELEPHONY_ID_NAMESPACE } from './model/stable-id';
export { toE164, toParty, lastTenDigits, type NormalizeOptions } from './phone/normalize-phone';
/** The demo's synthesized recording; the demo seed writes the same sound for the history it makes up. */
export { demoConversationWav } from './demo/demo-audio';

/** The SIP front as a node runs it: with Redis, every node behind one drachtio shares phones' contacts and HA1s. */
export type SipTelephonyConfig = SipProviderConfig & {
  /** Keeps REGISTERed contacts (and, with `phoneCredentials`, the digest HA1s) in this Redis. */
  redis?: Redis;
  /** Every phone's current secret: phones register with the same per-user secrets as on Asterisk. Needs `redis`. */
  phoneCredentials?: SipCredentialsSource;
  /**
   * This node's name, the same across its restarts (NODE_ID, else the host's name). With `redis`, the calls it has
   * open are kept under it, so a restarted node ends what its predecessor left (drachtio gives a dialog's requests
   * to the connection that created it only).
   */
  node?: string;
};

export type TelephonyConfig = AmiProviderConfig | SipTelephonyConfig | DemoTelephonyConfig;

/** Builds the provider for the configured PBX. Call `start()` on the result; it reconnects by itself. */
export function createTelephonyProvider(config: TelephonyConfig): TelephonyProvider {
  switch (config.kind) {
    case 'ami':
      return new AmiProvider(config);
    case 'sip': {
      const { redis, phoneCredentials, node, ...sip } = config;
      return createSipProvider({
        ...(redis ? { registrations: new RedisRegistrationStore(redis) } : {}),
        ...(redis && node ? { dialogs: { store: new RedisDialogStore(redis), node } } : {}),
        ...(redis && phoneCredentials
          ? { provisioning: { credentials: phoneCredentials, store: new RedisCredentialStore(redis) } }
          : {}),
        ...sip,
      });
    }
    case 'demo':
      return new DemoTelephony(config);
    default: {
      const kind: unknown = (config as { kind?: unknown }).kind;
      throw new TelephonyError('PBX_UNREACHABLE', `unknown telephony kind ${JSON.stringify(kind)}`, true);
    }
  }
}
