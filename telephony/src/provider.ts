import type { TelephonyEvent } from './model/call-event';

export interface OriginateRequest {
  /** Operator extension whose phone rings first. */
  agentExtension: string;
  /** Number to dial once the operator answers, E.164 or extension. */
  destination: string;
  /** Correlates the originate with the events it produces. */
  requestId: string;
}

export type SpyMode = 'listen' | 'whisper' | 'barge';

/** Digest credentials of one SIP endpoint; the auth user is the endpoint's name (`1001`, `1001-web`). */
export interface SipCredential {
  username: string;
  password: string;
}

/** The complete set of credentials the PBX should accept, read from the server's records at every sync. */
export type SipCredentialsSource = () => Promise<readonly SipCredential[]>;

/** What the server may ask of any telephony provider. Providers reconnect by themselves. */
export interface TelephonyProvider {
  readonly source: 'ami' | 'sip';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribe to normalized events; returns an unsubscribe function. Events are in order per callId. */
  onEvent(listener: (event: TelephonyEvent) => void): () => void;
  isUp(): boolean;
  originate(request: OriginateRequest): Promise<void>;
  setAgentPaused(agentExtension: string, paused: boolean, reason?: string): Promise<void>;
  spy(supervisorExtension: string, targetCallId: string, mode: SpyMode): Promise<void>;
  /** Changes the mode of the supervisor's running spy leg in place; absent when the provider cannot. */
  setSpyMode?(supervisorExtension: string, mode: SpyMode): Promise<void>;
  /**
   * Makes the PBX accept exactly the credentials its configured source lists now, so a rotated secret (or the
   * secret of a deactivated user) stops working. Rejects when the provider has nowhere to put them.
   */
  syncCredentials?(): Promise<void>;
}
