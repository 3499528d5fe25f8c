import type { TelephonyEvent } from '@telephony/model/call-event';
import type { AmiEvent } from '@telephony/ami/ami-message';
import type { EventsRead } from '@telephony/ami/event-filter';
import { closeFromCdr } from '@telephony/ami/tracker/cdr-close.reducer';
import { observeChannels, reduceChannelEvent, renameChannel } from '@telephony/ami/tracker/channels-bridges.reducer';
import { reduceAgentEvent, reduceQueueEvent } from '@telephony/ami/tracker/queues-agents.reducer';
import {
  BLOCKED_VARIABLE,
  CHANNEL_EVENTS,
  RECORDING_VARIABLE,
  Reducer,
  parseTimestamp,
} from '@telephony/ami/tracker/tracker-reducer';
import type { CallTrackerConfig, ReduceResult, TrackerState } from '@telephony/ami/tracker/tracker-state';
import { reduceTransferEvent } from '@telephony/ami/tracker/transfers.reducer';

export {
  DEFAULT_TRACKER_CONFIG,
  callIdFor,
  initialTrackerState,
  legIdFor,
  type CallTrackerConfig,
  type ReduceResult,
  type TrackedCall,
  type TrackedChannel,
  type TrackerState,
} from '@telephony/ami/tracker/tracker-state';
export { Reducer, agentFromInterface, presentationOf, type CdrOutcome } from '@telephony/ami/tracker/tracker-reducer';

/**
 * The call tracker: a pure reducer from AMI events (Asterisk ≥12 channel snapshots) to normalized call events.
 *
 * - A call is a Linkedid. Channels are keyed by Uniqueid; when an event reports a channel under another Linkedid
 *   (Asterisk propagates the oldest linkedid when channels share a bridge), the channel moves to that call.
 * - Time comes only from the `Timestamp` header (manager.conf `timestampevents = yes`); an event without one
 *   reuses the last timestamp seen.
 * - The call ends when its last live channel hangs up; exactly one `call.ended` per call, and ended linkedids are
 *   remembered (bounded) so late or repeated events never reopen or re-end a call.
 * - A caller whose presentation is restricted (`presentationVariable`) is withheld: the number and name are
 *   dropped here, before any event carries them. Asterisk 22 computes a `Newchannel`'s channel variables before
 *   chan_pjsip applies the trunk's P-Asserted-Identity/Privacy (trace withheld-pai.txt: `allowed_not_screened`
 *   on Newchannel, `prohib_not_screened` from the next event on), so when the presentation is exported a call
 *   first seen on a Newchannel is announced (`call.created`, with the Newchannel's time) on its next event.
 *
 * Information deliberately dropped: per-channel states (Newstate) other than hang-up, DialState progress,
 * bridge technology, MOH class, AgentComplete talk/hold times (recomputed from timestamps), CDR fields other than
 * disposition/durations, and every event not listed in `reduceAmiEvent`.
 *
 * The reduction is split by event family over one shared draft (tracker/): channels and bridges, queues and
 * agents, transfers, and the CDR that closes a call resync found gone.
 */

/**
 * The events the adapter reads (event-filter.ts), as Asterisk spells them (a session filter matches names
 * exactly): what the reducers act on, the provider's own (FullyBooted, OriginateResponse), VarSet of the recording,
 * blocked and direction variables only, and Newexten only at priority 1, where a channel enters an extension (the
 * number a refused outbound call was for is known from nothing else). Left out, though the tracker would learn
 * channels from them: the other dialplan steps and variables, about four in five of all events, whose channel
 * state comes with the channel's next event too; call-tracker.fixtures.spec replays every recorded trace with and
 * without what is left out.
 */
const EVENTS_READ = [
  ...['Newchannel', 'Newstate', 'NewCallerid', 'NewConnectedLine', 'Rename', 'Hangup', 'HangupRequest'],
  ...['SoftHangupRequest', 'DialBegin', 'DialState', 'DialEnd', 'BridgeEnter', 'BridgeLeave', 'LocalBridge'],
  ...['Hold', 'Unhold', 'MusicOnHoldStart', 'MusicOnHoldStop', 'MixMonitorStart', 'MixMonitorStop', 'Cdr'],
  ...['QueueCallerJoin', 'QueueCallerLeave', 'QueueCallerAbandon', 'AgentCalled', 'AgentConnect', 'AgentComplete'],
  ...['AgentRingNoAnswer', 'AgentDump', 'BlindTransfer', 'AttendedTransfer', 'QueueMemberStatus'],
  ...['QueueMemberAdded', 'QueueMemberRemoved', 'QueueMemberPause', 'QueueMemberPaused', 'DeviceStateChange'],
  ...['FullyBooted', 'OriginateResponse'],
];

export function eventsRead(config: CallTrackerConfig): EventsRead {
  const blocked = config.blockedVariable ?? BLOCKED_VARIABLE;
  const variables = new Set([RECORDING_VARIABLE, blocked, config.directionVariable ?? 'ZV_DIRECTION']);
  return {
    names: new Set(EVENTS_READ),
    byHeader: [
      { name: 'VarSet', header: 'Variable', values: variables },
      { name: 'Newexten', header: 'Priority', values: new Set(['1']) },
    ],
  };
}

/** Pure: folds one AMI event into the tracker state. Unknown events and unknown channels change nothing. */
export function reduceAmiEvent(state: TrackerState, ev: AmiEvent, config: CallTrackerConfig): ReduceResult {
  return reduce(new Reducer(state, config, parseTimestamp(ev)), ev);
}

/**
 * The same reduction written straight into `state` (its maps and records), for the state's sole owner (the
 * provider): no copy of the calls and channels maps per event. `state` must not be used afterwards; use the
 * returned one (it shares the mutated maps).
 */
export function reduceAmiEventInPlace(state: TrackerState, ev: AmiEvent, config: CallTrackerConfig): ReduceResult {
  return reduce(new Reducer(state, config, parseTimestamp(ev), true), ev);
}

function reduce(r: Reducer, ev: AmiEvent): ReduceResult {
  const name = ev.event.toLowerCase();
  if (reduceAgentEvent(r, name, ev)) return r.d.finish();
  if (name === 'cdr') closeFromCdr(r, ev);
  else if (name === 'rename') renameChannel(r, ev);
  else if (CHANNEL_EVENTS.has(name)) {
    const seen = observeChannels(r, name, ev);
    // The families' event names are disjoint: at most one of them acts.
    if (!reduceChannelEvent(r, name, ev, seen) && !reduceQueueEvent(r, name, ev, seen)) {
      reduceTransferEvent(r, name, ev, seen);
    }
  }
  return r.d.finish();
}

/** Folds many events; convenient for fixtures and tests. */
export function reduceAll(state: TrackerState, events: readonly AmiEvent[], config: CallTrackerConfig): ReduceResult {
  let s = state;
  const out: TelephonyEvent[] = [];
  for (const ev of events) {
    const res = reduceAmiEvent(s, ev, config);
    s = res.state;
    out.push(...res.events);
  }
  return { state: s, events: out };
}
