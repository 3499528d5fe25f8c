/** Lifecycle of one call as seen by the CRM. */
export type CallStatus = 'created' | 'ringing' | 'answered' | 'held' | 'ended';
export type CallDirection = 'inbound' | 'outbound' | 'internal';
/**
 * What happened to the call from the call center's point of view, fixed once it ends. `blocked`: the PBX refused it
 * by policy before anyone answered (a caller on the blocked list, an outbound call to a blocked or do-not-call number).
 */
export type CallDisposition = 'answered' | 'missed' | 'abandoned' | 'failed' | 'blocked';
export type ProviderSource = 'ami' | 'sip';
