import type { TelephonyEvent } from './model/call-event';
import type { ProviderSource } from './model/call-status';
import type { HangupCause } from './model/hangup-cause';

export interface OriginateRequest {
  /** Operator extension whose phone rings first. */
  agentExtension: string;
  /** Number to dial once the operator answers, E.164 or extension. */
  destination: string;
  /** Correlates the originate with the events it produces. */
  requestId: string;
  /**
   * Number the callee sees (an outbound campaign's caller ID, E.164); absent → the trunk's default. The AMI provider
   * passes it as ZV_CALLER_ID, which the reference dialplan's from-crm sets as CALLERID(num) before the Dial.
   */
  callerId?: string;
}

/**
 * "Call me back": a free operator of `queue` is rung first; once one answers, the PBX dials `destination` (the
 * visitor) and bridges them. The operator's screen pops like any queue call, the visitor's number being the far end.
 */
export interface CallbackRequest {
  queue: string;
  /** The visitor's number, E.164. */
  destination: string;
  /** How long the queue may ring for a free operator before the request fails. */
  waitSeconds: number;
  /** Shown on the operator's phone with the number. */
  callerName?: string;
  requestId: string;
}

/**
 * Customer first (a campaign dialling more lines than it has free operators): the PBX dials `destination` with
 * `callerId`; once the customer answers they wait in `queue` for a free operator for up to `waitSeconds`, after which
 * the PBX hangs up on them (an abandoned call). The call's events arrive through onEvent like any outbound call.
 */
export interface CustomerFirstRequest {
  destination: string;
  queue: string;
  waitSeconds: number;
  callerId?: string;
  requestId: string;
}

/** Whether the customer answered; if not, why (`busy`, `no-answer`, `congestion`, `failed`…). */
export type CustomerFirstResult = { answered: true } | { answered: false; cause: HangupCause };

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
  readonly source: ProviderSource;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribe to normalized events; returns an unsubscribe function. Events are in order per callId. */
  onEvent(listener: (event: TelephonyEvent) => void): () => void;
  isUp(): boolean;
  originate(request: OriginateRequest): Promise<void>;
  /**
   * Resolves once an operator of the queue answered (the visitor is being dialled then); rejects when nobody did
   * within `waitSeconds`, or the PBX refused. Absent when the provider cannot.
   */
  originateCallback?(request: CallbackRequest): Promise<void>;
  /** Resolves when the customer answered or gave up ringing; rejects when the PBX refused. Absent when it cannot. */
  originateCustomerFirst?(request: CustomerFirstRequest): Promise<CustomerFirstResult>;
  setAgentPaused(agentExtension: string, paused: boolean, reason?: string): Promise<void>;
  spy(supervisorExtension: string, targetCallId: string, mode: SpyMode): Promise<void>;
  /** Changes the mode of the supervisor's running spy leg in place; absent when the provider cannot. */
  setSpyMode?(supervisorExtension: string, mode: SpyMode): Promise<void>;
  /**
   * Makes the PBX accept exactly the credentials its configured source lists now, so a rotated secret (or the
   * secret of a deactivated user) stops working. Rejects when the provider has nowhere to put them.
   */
  syncCredentials?(): Promise<void>;
  /**
   * Whether the PBX has an endpoint of this name (a phone the extension can ring); absent when the provider cannot
   * tell. Rejects when the PBX cannot be asked (down, timeout).
   */
  endpointExists?(endpoint: string): Promise<boolean>;
}
