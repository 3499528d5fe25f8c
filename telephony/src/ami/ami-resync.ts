import type { AmiEvent } from '@telephony/ami/ami-message';
import type { OpenCall } from '@telephony/model/call-event';
import { PRESENTATION_VARIABLE } from '@telephony/ami/caller-presentation';
import {
  Reducer,
  agentFromInterface,
  presentationOf,
  reduceAmiEvent,
  type CallTrackerConfig,
  type ReduceResult,
  type TrackerState,
} from '@telephony/ami/call-tracker';

/**
 * Resync after a reconnect (pure): AMI does not replay what happened while we were away, so the tracker state is
 * reconciled with a fresh `CoreShowChannels` + `QueueStatus` snapshot.
 *
 * - Channels Asterisk still has are (re)learnt; new calls get `call.created` (and `call.answered` when a bridged
 *   channel shows they are talking). Lost details (ringing history, exact answer time) are not reconstructed.
 * - Calls an earlier adapter process left open (`openCalls`, from the server's records) are adopted first, so a
 *   restarted adapter carries them on or closes them like a reconnecting one would.
 * - Calls first learnt here number their events from `atMs` (see CallEventBase.seq).
 * - Tracked calls with no live channel left are marked pending: a later `Event: Cdr` (cdr_manager with a `LinkedID`
 *   mapping) closes them with `closedFromCdr: true`; `expirePendingCalls` closes the rest with cause `failed`.
 */
export interface ResyncSnapshot {
  /** `CoreShowChannel` events (the list items, not the Complete event). */
  channels: readonly AmiEvent[];
  /** `QueueMember`, `QueueEntry` (and `QueueParams`, ignored) events from QueueStatus. */
  queue: readonly AmiEvent[];
  /** PBX time of the snapshot (ms), e.g. the Timestamp of CoreShowChannelsComplete. */
  atMs: number;
  /** Calls an earlier adapter process left open (the server's records); adopted unless already tracked. */
  openCalls?: readonly OpenCall[];
}

const parseDuration = (hms: string | undefined): number => {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(hms ?? '');
  return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 : 0;
};

export function resyncTracker(state: TrackerState, snapshot: ResyncSnapshot, config: CallTrackerConfig): ReduceResult {
  const r = new Reducer(state, config, snapshot.atMs);
  r.seqBase = snapshot.atMs;
  const d = r.d;
  for (const open of snapshot.openCalls ?? []) adopt(r, open);
  const liveByUniqueid = new Map<string, AmiEvent>();
  for (const ch of snapshot.channels) if (ch.fields.uniqueid) liveByUniqueid.set(ch.fields.uniqueid, ch);

  // 1. Channels that vanished while we were away.
  for (const [uid, ch] of [...d.channels]) {
    if (ch.hungUp || liveByUniqueid.has(uid)) continue;
    const c = d.channel(uid);
    const call = r.callOf(c);
    if (!c || !call) continue;
    c.hungUp = true;
    call.live = call.live.filter((u) => u !== uid);
    if (c.agentId && call.ringing[c.agentId] === uid) r.stopRinging(call, c.agentId);
  }
  // 2. Live channels, oldest first so the caller side of each linkedid creates the call. Durations are whole
  // seconds: among equals, the channel that started its linkedid comes first (it decides, e.g., a consultation's fold).
  const origin = (ev: AmiEvent) => (ev.fields.uniqueid === ev.fields.linkedid ? 0 : 1);
  const ordered = [...snapshot.channels].sort(
    (a, b) => parseDuration(b.fields.duration) - parseDuration(a.fields.duration) || origin(a) - origin(b),
  );
  const bridges = new Map<string, string[]>();
  for (const ev of ordered) {
    const f = ev.fields;
    if (!f.uniqueid || !f.linkedid || !f.channel) continue;
    const existing = d.peekChannel(f.uniqueid);
    const atCreation = snapshot.atMs - parseDuration(f.duration);
    r.now = existing ? snapshot.atMs : Math.min(snapshot.atMs, atCreation);
    const ch = r.observe(
      {
        name: f.channel,
        uniqueid: f.uniqueid,
        linkedid: f.linkedid,
        callerNum: f.calleridnum ?? '',
        callerName: f.calleridname ?? '',
        connectedNum: f.connectedlinenum ?? '',
        exten: f.exten ?? '',
        ...presentationOf(ev.variables[''], config.presentationVariable ?? PRESENTATION_VARIABLE),
      },
      true,
    );
    r.now = snapshot.atMs;
    const bridge = f.bridgeid;
    if (ch && bridge) bridges.set(bridge, [...(bridges.get(bridge) ?? []), ch.uniqueid]);
  }
  for (const key of [...d.calls.keys()]) if (d.peekCall(key)?.unannounced) r.announce(d.call(key)!);
  // Calls left with no live channel wait for their Cdr (after the snapshot, which may have given them new ones).
  for (const key of [...d.calls.keys()]) {
    const call = d.call(key);
    if (call && call.live.length === 0 && call.pendingCloseSinceMs === undefined) call.pendingCloseSinceMs = r.now;
  }
  // Two channels in one bridge are talking: answer calls we did not see answered.
  for (const members of bridges.values()) {
    if (members.length < 2) continue;
    const chans = members.map((u) => d.peekChannel(u)).filter((c) => c !== undefined);
    const call = r.callOf(chans[0]);
    if (!call || call.answered) continue;
    const agentLeg =
      chans.find((c) => c.role === 'agent' && c.uniqueid !== call.originUniqueid) ?? chans.find((c) => c.agentId);
    r.answer(call, agentLeg?.agentId, agentLeg?.uniqueid ?? call.originUniqueid);
  }

  // 3. Queue: callers waiting, member states.
  for (const ev of snapshot.queue) {
    const f = ev.fields;
    if (ev.event.toLowerCase() === 'queueentry' && f.uniqueid) {
      const call = r.callOf(d.peekChannel(f.uniqueid));
      if (call && !call.answered) {
        call.queued = true;
        call.everQueued = true;
        if (f.queue) call.queue = f.queue;
      }
    }
  }
  let result = d.finish();
  for (const ev of snapshot.queue) {
    if (ev.event.toLowerCase() !== 'queuemember') continue;
    const agentId = agentFromInterface(ev.fields.stateinterface ?? ev.fields.location ?? ev.fields.interface, config);
    if (!agentId) continue;
    // QueueMember carries the same Status/Paused/PausedReason fields as QueueMemberStatus.
    const next = reduceAmiEvent(
      result.state,
      {
        ...ev,
        event: 'QueueMemberStatus',
        fields: {
          ...ev.fields,
          interface: ev.fields.stateinterface ?? ev.fields.location ?? ev.fields.interface ?? '',
        },
      },
      config,
    );
    result = { state: next.state, events: [...result.events, ...next.events] };
  }
  return result;
}

/** Tracks a call an earlier process left open as if this process had seen it up to the moment it stopped. */
function adopt(r: Reducer, open: OpenCall): void {
  const key = open.externalIds.linkedid;
  if (!key || r.d.peekCall(key) || r.d.isEnded(key)) return;
  const answeredAtMs = open.answeredAt === undefined ? undefined : Date.parse(open.answeredAt);
  r.d.addCall({
    key,
    callId: open.callId,
    seq: r.seqBase,
    direction: open.direction,
    from: open.from,
    to: open.to,
    originUniqueid: key, // Asterisk's linkedid is the uniqueid of the call's first channel
    live: [],
    legs: [],
    createdAtMs: Date.parse(open.startedAt),
    ...(answeredAtMs === undefined ? {} : { answeredAtMs }),
    answered: answeredAtMs !== undefined,
    held: false,
    ...(open.queue === undefined ? {} : { queue: open.queue }),
    queued: false,
    everQueued: open.queue !== undefined,
    queueAbandoned: false,
    ringing: {},
    ...(open.agentId === undefined ? {} : { agentId: open.agentId, connectedAgentId: open.agentId }),
    losingLegs: [],
    transfers: [],
  });
}

/**
 * Closes calls that resync found gone and no ANSWERED Cdr closed within `graceMs`: from their best unanswered Cdr
 * if one came, else with cause `failed`, so nothing stays open forever. `nowMs` is PBX time (last timestamp +
 * local elapsed time), passed in to keep this pure.
 */
export function expirePendingCalls(
  state: TrackerState,
  nowMs: number,
  graceMs: number,
  config: CallTrackerConfig,
  /** Ids of calls the server's records show ended already (an earlier adapter process saw the end). */
  closedInRecords: ReadonlySet<string> = new Set(),
): ReduceResult {
  const r = new Reducer(state, config, nowMs);
  for (const key of [...r.d.calls.keys()]) {
    const call = r.d.peekCall(key);
    if (!call || call.pendingCloseSinceMs === undefined || nowMs - call.pendingCloseSinceMs < graceMs) continue;
    if (closedInRecords.has(call.callId)) {
      // Its end was still on its way to the records when it was adopted: nothing to add.
      r.d.markEnded(key);
      continue;
    }
    const c = r.d.call(key);
    if (!c) continue;
    r.now = c.pendingCloseSinceMs ?? nowMs;
    // Unanswered Cdrs (every leg rang out) explain the call; with none at all it is closed as failed.
    if (c.pendingCdr) r.endCall(c, '', c.pendingCdr);
    else r.endCall(c, '', undefined, 'failed');
  }
  return r.d.finish();
}
