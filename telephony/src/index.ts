/** The only public entry of the telephony package: the server imports from here and nowhere else. */
export type * from './model/call-event';
export type * from './model/call-status';
export { HANGUP_CAUSES, causeFromQ850, type HangupCause } from './model/hangup-cause';
export type { TelephonyProvider, OriginateRequest, SpyMode } from './provider';
export { TelephonyError, type TelephonyErrorCode } from './errors';
export { toE164, toParty, lastTenDigits, type NormalizeOptions } from './phone/normalize-phone';
