import type { AmiEvent } from '@telephony/ami/ami-message';
import { PRESENTATION_VARIABLE } from '@telephony/ami/caller-presentation';
import {
  BLOCKED_VARIABLE,
  RECORDING_VARIABLE,
  SNAPSHOT_PREFIXES,
  isDialTarget,
  roleOf,
  snapshot,
  type Reducer,
  type Seen,
} from '@telephony/ami/tracker/tracker-reducer';
import { own, type TrackedCall, type TrackedChannel } from '@telephony/ami/tracker/tracker-state';

/**
 * Channels and bridges: learning channels from every event's snapshots, the dialplan's hints on the caller's leg
 * (direction, refusal, recording file), dialling, answer by DialEnd or by two parties in a bridge, hold and hang-up.
 */

/** Rename: a channel keeps its Uniqueid under a new name (masquerade, Local channel optimisation). */
export function renameChannel(r: Reducer, ev: AmiEvent): void {
  const f = ev.fields;
  const ch = f.uniqueid ? r.d.channel(f.uniqueid) : undefined;
  const newName = f.newname;
  if (ch && newName) Object.assign(ch, { name: newName }, roleOf(newName, r.config));
}

/**
 * Folds the channel snapshots of a channel event into the draft (announcing calls whose presentation is now final)
 * and the hints the dialplan exported on the caller's leg; returns the channels the event named.
 */
export function observeChannels(r: Reducer, name: string, ev: AmiEvent): Seen {
  const { config } = r;
  const f = ev.fields;
  const isHangup = name === 'hangup' || name === 'hanguprequest' || name === 'softhanguprequest';
  const presentationVariable = config.presentationVariable ?? PRESENTATION_VARIABLE;
  const seen: Seen = {};
  for (const prefix of SNAPSHOT_PREFIXES) {
    const snap = snapshot(ev, prefix, presentationVariable);
    if (!snap) continue;
    const ch = r.observe(snap, !isHangup, name === 'newchannel');
    if (ch) seen[prefix] = ch;
  }
  for (const ch of Object.values(seen)) {
    const call = r.d.peekCall(ch.callKey);
    // Only the caller's own snapshot tells its final presentation: another channel of the call (an operator's
    // phone the queue rings) may come first when the caller's dialplan steps are not sent (event-filter.ts).
    if (call?.unannounced && call.originUniqueid === ch.uniqueid && !r.provisional.has(call.key)) {
      r.announce(r.d.call(call.key)!);
    }
  }
  const main = seen[''];
  const dest = seen.dest;

  const directionVar = config.directionVariable ?? 'ZV_DIRECTION';
  const hinted = directionVar ? ev.variables['']?.[directionVar] : undefined;
  if (main && (hinted === 'inbound' || hinted === 'outbound' || hinted === 'internal')) {
    const peek = r.d.peekCall(main.callKey);
    if (peek && !peek.answered && peek.originUniqueid === main.uniqueid && peek.direction !== hinted) {
      const call = r.callOf(main);
      if (call) call.direction = hinted;
    }
  }
  const blockedVar = config.blockedVariable ?? BLOCKED_VARIABLE;
  const refused =
    blockedVar !== '' &&
    (ev.variables['']?.[blockedVar] === '1' || (name === 'varset' && f.variable === blockedVar && f.value === '1'));
  if (main && refused) {
    const peek = r.d.peekCall(main.callKey);
    if (peek && !peek.blocked && peek.originUniqueid === main.uniqueid) {
      const call = r.callOf(main);
      if (call) {
        call.blocked = true;
        // An outbound call refused before it dialled: the number it was for is only in the dialplan's exten.
        if (!call.to.raw && main.role !== 'trunk' && main.dialled) call.to = r.party(main.dialled);
      }
    }
  }
  for (const [prefix, vars] of Object.entries(ev.variables)) {
    const file = vars[RECORDING_VARIABLE];
    const ch = prefix === '' ? main : prefix === 'dest' ? dest : undefined;
    if (!file || !ch || r.d.peekCall(ch.callKey)?.recordingFile) continue;
    const call = r.callOf(ch);
    if (call) call.recordingFile = file;
  }
  return seen;
}

/** The channel and bridge events; false for any other. */
export function reduceChannelEvent(r: Reducer, name: string, ev: AmiEvent, seen: Seen): boolean {
  const f = ev.fields;
  const main = seen[''];
  const dest = seen.dest;
  switch (name) {
    case 'varset': {
      if (f.variable !== RECORDING_VARIABLE || !f.value) return true;
      const call = r.callOf(main);
      if (call) call.recordingFile = f.value;
      return true;
    }
    case 'mixmonitorstop': {
      // Published by StopMixMonitor once the file is closed (the reference dialplan runs it as the recorded
      // channel's hangup handler); a MixMonitor that simply ends with its channel says nothing over AMI.
      const call = r.callOf(main);
      const file = own(ev.variables[''] ?? {}, RECORDING_VARIABLE) ?? call?.recordingFile;
      if (call && file && !call.closedRecordings?.includes(file)) {
        call.closedRecordings = [...(call.closedRecordings ?? []), file];
      }
      return true;
    }
    case 'newstate': {
      // Only the carrier's leg: an originating operator's own leg goes Up before the far end is even dialled.
      const call = r.callOf(main);
      if (call && main && !call.answered && f.channelstate === '6' && main.uniqueid === call.originUniqueid) {
        if (main.role === 'trunk') call.pbxAnsweredAtMs ??= r.now;
      }
      return true;
    }
    case 'hangup': {
      if (main) {
        const cause = f.cause !== undefined && f.cause !== '' ? Number(f.cause) : undefined;
        r.hangup(main, cause !== undefined && Number.isFinite(cause) ? cause : undefined);
      }
      return true;
    }
    case 'dialbegin':
      onDialBegin(r, ev, seen, (d) => d.agentId);
      return true;
    case 'dialend': {
      const call = r.callOf(dest ?? main);
      if (!call || !dest) return true;
      const status = (f.dialstatus ?? '').toUpperCase();
      if (status === 'ANSWER') {
        if (dest.uniqueid === call.originUniqueid) {
          // Originate: the operator picked up their own leg; the call is answered when the far end does.
          if (dest.agentId) r.stopRinging(call, dest.agentId);
        } else if (!call.answered || (main && customerLeg(r, call)?.uniqueid === main.uniqueid)) {
          const agentId = dest.agentId ?? main?.agentId ?? r.d.peekChannel(call.originUniqueid)?.agentId;
          r.answer(call, agentId, dest.uniqueid);
        } else if (dest.agentId) {
          // An operator's consultation call was answered: the customer is not talking to that operator (yet).
          r.stopRinging(call, dest.agentId);
        }
      } else if (status && status !== 'PROGRESS' && status !== 'RINGING' && status !== 'PROCEEDING') {
        if (!call.answered && main) call.lastDialStatus = status;
        if (dest.agentId) r.stopRinging(call, dest.agentId);
      }
      return true;
    }
    case 'bridgeenter':
      onBridgeEnter(r, ev, main);
      return true;
    case 'bridgeleave':
      onBridgeLeave(r, ev, main);
      return true;
    case 'hold':
    case 'unhold': {
      const call = r.callOf(main);
      if (!call) return true;
      const held = name === 'hold';
      if (call.held !== held) {
        call.held = held;
        r.emit(call, main?.uniqueid ?? call.originUniqueid, { type: held ? 'call.held' : 'call.resumed' });
      }
      return true;
    }
    default:
      return false;
  }
}

/** DialBegin, or the queue's AgentCalled (`agentOf` names the operator rung): the destination rings. */
export function onDialBegin(
  r: Reducer,
  ev: AmiEvent,
  seen: Seen,
  agentOf: (dest: TrackedChannel) => string | undefined,
): void {
  const main = seen[''];
  const dest = seen.dest;
  const call = r.callOf(dest ?? main);
  if (!call || !dest) return;
  if (main && main.uniqueid === call.originUniqueid) refineDirection(r, call, main, dest, ev.fields.dialstring);
  const agentId = agentOf(dest);
  if (agentId && ev.fields.queue && !call.queue) call.queue = ev.fields.queue;
  if (agentId) r.startRinging(call, agentId, dest.uniqueid);
}

function refineDirection(
  r: Reducer,
  call: TrackedCall,
  caller: TrackedChannel,
  dest: TrackedChannel,
  dialString: string | undefined,
): void {
  if (call.answered || call.direction === 'inbound' || caller.role === 'trunk') return;
  if (dest.role === 'trunk') {
    const dialled = [caller.exten, dialString?.split('@')[0]?.split('/').pop() ?? '', dest.callerNum].find(
      (x) => x && isDialTarget(x),
    );
    call.direction = 'outbound';
    if (dialled && call.to.raw !== dialled) call.to = r.party(dialled);
  } else if (dest.role === 'agent' && dest.agentId) {
    call.direction = 'internal';
    if (!call.to.raw) call.to = r.party(dest.agentId);
  }
}

/** The call's channels that have not hung up, in the order they joined it. */
function liveLegs(r: Reducer, call: TrackedCall): TrackedChannel[] {
  return call.legs.flatMap((uid) => {
    const c = r.d.peekChannel(uid);
    return c && c.callKey === call.key && !c.hungUp ? [c] : [];
  });
}

/** The leg of the outside party: the caller, or for an operator's own call the carrier leg. */
export function customerLeg(r: Reducer, call: TrackedCall): TrackedChannel | undefined {
  const origin = r.d.peekChannel(call.originUniqueid);
  if (origin && origin.role !== 'agent' && !origin.hungUp) return origin;
  return liveLegs(r, call).find((c) => c.role === 'trunk') ?? (origin && !origin.hungUp ? origin : undefined);
}

/**
 * BridgeEnter of a second party means two parties talk. Before the answer it is the answer signal when no
 * DialEnd/AgentConnect told us (pickup, Bridge()); after it, an operator joining the customer's bridge (attended
 * transfer completed, queue re-entry) becomes the call's operator — a consultation bridge without the customer
 * changes nothing.
 */
function onBridgeEnter(r: Reducer, ev: AmiEvent, main: TrackedChannel | undefined): void {
  const call = r.callOf(main);
  if (!call || !main) return;
  const bridgeId = ev.fields.bridgeuniqueid;
  if (bridgeId) r.d.enterBridge(main.uniqueid, bridgeId);
  const count = Number(ev.fields.bridgenumchannels ?? '0');
  const bridgeType = (ev.fields.bridgetype ?? '').toLowerCase();
  if (count < 2 || bridgeType === 'holding' || bridgeType === 'parking') return;
  if (!call.answered) {
    // Two parties now talk: the operator is a live agent leg other than the caller's, else the caller itself.
    const agentLeg = liveLegs(r, call).find((c) => c.uniqueid !== call.originUniqueid && c.role === 'agent');
    const agentId = agentLeg?.agentId ?? r.d.peekChannel(call.originUniqueid)?.agentId;
    r.answer(call, agentId, agentLeg?.uniqueid ?? main.uniqueid);
    return;
  }
  if (!bridgeId) return;
  const members = r.d.bridgeMembers(bridgeId);
  const customer = customerLeg(r, call);
  if (!customer || !members.some((c) => c.uniqueid === customer.uniqueid)) return;
  // Prefer the operator who just entered; otherwise one who is not already the call's operator.
  const agents = members.filter((c) => c.role === 'agent' && c.agentId && c.uniqueid !== customer.uniqueid);
  const agentLeg =
    agents.find((c) => c.uniqueid === main.uniqueid) ?? agents.find((c) => c.agentId !== call.connectedAgentId);
  if (agentLeg?.agentId && agentLeg.agentId !== call.connectedAgentId) {
    r.answer(call, agentLeg.agentId, agentLeg.uniqueid);
  }
}

function onBridgeLeave(r: Reducer, ev: AmiEvent, main: TrackedChannel | undefined): void {
  if (!main || main.bridge === undefined || main.bridge !== ev.fields.bridgeuniqueid) return;
  r.d.leaveBridge(main.uniqueid);
}
