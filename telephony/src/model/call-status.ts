/** Lifecycle of one call as seen by the CRM. */
export type CallStatus = 'created' | 'ringing' | 'answered' | 'held' | 'ended';
export type CallDirection = 'inbound' | 'outbound' | 'internal';
/** What happened to the call from the call center's point of view, fixed once it ends. */
export type CallDisposition = 'answered' | 'missed' | 'abandoned' | 'failed';
export type ProviderSource = 'ami' | 'sip';
