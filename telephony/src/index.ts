/** The only public entry of the telephony package: the server imports from here and nowhere else. */
import { AmiProvider, type AmiProviderConfig } from './ami/ami-provider';
import { DemoTelephony, type DemoTelephonyConfig } from './demo/demo-telephony';
import { TelephonyError } from './errors';
import { createSipProvider, type SipProviderConfig } from './sip/sip-provider';
import type { TelephonyProvider } from './provider';

export type * from './model/call-event';
export type * from './model/call-status';
export { HANGUP_CAUSES, causeFromQ850, type HangupCause } from './model/hangup-cause';
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
export { toE164, toParty, lastTenDigits, type NormalizeOptions } from './phone/normalize-phone';
export { uuidV5, TELEPHONY_ID_NAMESPACE } from './model/stable-id';
export { callIdFor, legIdFor } from './ami/call-tracker';
export { AmiProvider, SPY_OPTIONS, type AmiProviderConfig } from './ami/ami-provider';
export type { AmiBackoffOptions } from './ami/ami-connection';

export {
  SipProvider,
  createSipProvider,
  type SipProviderConfig,
  type SipRouteHook,
  type SipBackoffOptions,
} from './sip/sip-provider';
export { RedisRegistrationStore } from './sip/redis-registration-store';
export { RedisDialogStore } from './sip/dialog-store';
export { RedisCredentialStore, type CredentialStore } from './sip/redis-credential-store';
export { MemoryRegistrationStore, type RegistrationStore, type Registration } from './sip/registration-store';
export type { CredentialsLookup } from './sip/registrar';

export { DemoTelephony, type DemoTelephonyConfig } from './demo/demo-telephony';
export { demoConversationWav } from './demo/demo-audio';

export type TelephonyConfig = AmiProviderConfig | SipProviderConfig | DemoTelephonyConfig;

/** Builds the provider for the configured PBX. Call `start()` on the result; it reconnects by itself. */
export function createTelephonyProvider(config: TelephonyConfig): TelephonyProvider {
  switch (config.kind) {
    case 'ami':
      return new AmiProvider(config);
    case 'sip':
      return createSipProvider(config);
    case 'demo':
      return new DemoTelephony(config);
    default: {
      const kind: unknown = (config as { kind?: unknown }).kind;
      throw new TelephonyError('PBX_UNREACHABLE', `unknown telephony kind ${JSON.stringify(kind)}`, true);
    }
  }
}
