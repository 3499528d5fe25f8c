import type { AgentStateEvent, AgentStatus } from '@telephony/model/call-event';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { onDialBegin } from '@telephony/ami/tracker/channels-bridges.reducer';
import { agentFromInterface, type Reducer, type Seen } from '@telephony/ami/tracker/tracker-reducer';
import { own, type AgentInfo, type MemberPause } from '@telephony/ami/tracker/tracker-state';

/**
 * Queues and agents: a caller waiting in and leaving a queue, app_queue ringing and connecting its members, and the
 * members' own state (device state and pause), reported as `agent.state` per operator.
 */

/** A queue's events about the caller and the members it rings; false for any other event. */
export function reduceQueueEvent(r: Reducer, name: string, ev: AmiEvent, seen: Seen): boolean {
  const { config } = r;
  const f = ev.fields;
  const main = seen[''];
  const dest = seen.dest;
  switch (name) {
    case 'queuecallerjoin': {
      const call = r.callOf(main);
      if (call && !call.answered) {
        call.queued = true;
        call.everQueued = true;
        if (f.queue) call.queue = f.queue;
      }
      return true;
    }
    case 'queuecallerleave': {
      const call = r.callOf(main);
      if (call) call.queued = false;
      return true;
    }
    case 'queuecallerabandon': {
      const call = r.callOf(main);
      if (call && !call.answered) {
        call.queueAbandoned = true;
        call.everQueued = true;
        if (f.queue && !call.queue) call.queue = f.queue;
      }
      return true;
    }
    case 'agentcalled':
      onDialBegin(
        r,
        ev,
        seen,
        (d) => agentFromInterface(f.interface, config) ?? d.agentId ?? agentFromInterface(f.membername, config),
      );
      return true;
    case 'agentringnoanswer': {
      const call = r.callOf(dest ?? main);
      const agentId = agentFromInterface(f.interface, config) ?? dest?.agentId;
      if (call && agentId) r.stopRinging(call, agentId);
      return true;
    }
    case 'agentconnect': {
      const call = r.callOf(main ?? dest);
      const agentId = agentFromInterface(f.interface, config) ?? dest?.agentId;
      if (call) r.answer(call, agentId, dest?.uniqueid ?? main?.uniqueid ?? call.originUniqueid);
      return true;
    }
    default:
      return false;
  }
}

const DEVICE_STATUS: Record<string, AgentStatus> = {
  '0': 'offline',
  '1': 'available',
  '2': 'busy',
  '3': 'busy',
  '4': 'offline',
  '5': 'offline',
  '6': 'ringing',
  '7': 'ringing',
  '8': 'busy',
  UNKNOWN: 'offline',
  NOT_INUSE: 'available',
  INUSE: 'busy',
  BUSY: 'busy',
  INVALID: 'offline',
  UNAVAILABLE: 'offline',
  RINGING: 'ringing',
  RINGINUSE: 'ringing',
  ONHOLD: 'busy',
};

const STATUS_RANK: Record<AgentStatus, number> = { busy: 4, ringing: 3, available: 2, paused: 1, offline: 0 };

function aggregate(devices: Readonly<Record<string, AgentStatus>>): AgentStatus {
  let best: AgentStatus = 'offline';
  for (const s of Object.values(devices)) if (STATUS_RANK[s] > STATUS_RANK[best]) best = s;
  return best;
}

interface AgentUpdate {
  device?: { id: string; status: AgentStatus };
  /** A queue member's pause as reported (`key` = `<queue>|<interface>`, or `|<interface>` when no queue was given). */
  member?: { key: string; pause: MemberPause };
  /** The member left its queue. */
  removed?: string;
}

/**
 * The operator is paused when every queue member they have is paused: a pause in only some of their queues, or on
 * one of their devices, still lets a queue call reach them. Hence an unpause of any member makes them available.
 */
function pausedEverywhere(members: Readonly<Record<string, MemberPause>>): boolean {
  const all = Object.values(members);
  return all.length > 0 && all.every((m) => m.paused);
}

/** Members a report names: its own, or, with no queue given, every queue member of that interface. */
function memberKeys(a: AgentInfo, queue: string | undefined, iface: string): string[] {
  if (queue) return [`${queue}|${iface}`];
  const known = Object.keys(a.members).filter((k) => k.slice(k.indexOf('|') + 1) === iface);
  return known.length ? known : [`|${iface}`];
}

function agentEvent(r: Reducer, agentId: string, update: AgentUpdate, queue?: string): void {
  const a = r.d.agent(agentId);
  if (update.device) a.devices = { ...a.devices, [update.device.id]: update.device.status };
  if (update.removed !== undefined) {
    const members = { ...a.members };
    delete members[update.removed];
    a.members = members;
  }
  if (update.member) {
    const { key, pause } = update.member;
    const before = own(a.members, key);
    if (pause.paused && (!before?.paused || before.reason !== pause.reason)) {
      if (pause.reason) a.pauseReason = pause.reason;
      else delete a.pauseReason;
    }
    a.members = { ...a.members, [key]: pause };
  }
  const paused = pausedEverywhere(a.members);
  const status: AgentStatus = paused ? 'paused' : aggregate(a.devices);
  const reason = paused ? a.pauseReason : undefined;
  const signature = `${status}|${reason ?? ''}`;
  if (signature === a.lastEmitted) return;
  a.lastEmitted = signature;
  const ev: AgentStateEvent = {
    type: 'agent.state',
    agentId,
    status,
    ...(queue ? { queue } : {}),
    ...(reason ? { pauseReason: reason } : {}),
    occurredAt: new Date(r.now).toISOString(),
    source: 'ami',
  };
  r.d.events.push(ev);
}

const truthy = (v: string | undefined) => v === '1' || v?.toLowerCase() === 'true' || v?.toLowerCase() === 'yes';

/** The member's own interface (its location); QueueStatus's QueueMember names it `Location`. */
const memberInterface = (f: AmiEvent['fields']): string | undefined => f.location ?? f.interface ?? f.stateinterface;

function memberPause(f: AmiEvent['fields']): MemberPause {
  const paused = truthy(f.paused);
  const reason = f.pausedreason || f.reason;
  return paused && reason ? { paused, reason } : { paused };
}

/** Queue members' and devices' states (QueueMember*, DeviceStateChange); false for any other event. */
export function reduceAgentEvent(r: Reducer, name: string, ev: AmiEvent): boolean {
  const f = ev.fields;
  switch (name) {
    case 'queuememberstatus':
    case 'queuememberadded': {
      const agentId =
        agentFromInterface(f.stateinterface ?? f.interface, r.config) ?? agentFromInterface(f.membername, r.config);
      if (!agentId) return true;
      const deviceStatus = own(DEVICE_STATUS, f.status ?? '') ?? 'available';
      const device = {
        id: f.stateinterface ?? f.interface ?? f.location ?? agentId,
        status: deviceStatus,
      };
      const [key] = memberKeys(r.d.agent(agentId), f.queue, memberInterface(f) ?? device.id);
      agentEvent(r, agentId, { device, member: { key: key!, pause: memberPause(f) } }, f.queue);
      return true;
    }
    case 'queuememberremoved': {
      const agentId =
        agentFromInterface(f.stateinterface ?? f.interface, r.config) ?? agentFromInterface(f.membername, r.config);
      const iface = memberInterface(f);
      if (agentId && iface && f.queue) agentEvent(r, agentId, { removed: `${f.queue}|${iface}` }, f.queue);
      return true;
    }
    case 'queuememberpause':
    case 'queuememberpaused': {
      const agentId =
        agentFromInterface(f.stateinterface ?? f.interface, r.config) ?? agentFromInterface(f.membername, r.config);
      if (!agentId) return true;
      const iface = memberInterface(f);
      if (!iface) return true;
      for (const key of memberKeys(r.d.agent(agentId), f.queue, iface)) {
        agentEvent(r, agentId, { member: { key, pause: memberPause(f) } }, f.queue);
      }
      return true;
    }
    case 'devicestatechange': {
      const agentId = agentFromInterface(f.device, r.config);
      if (!agentId || f.device?.startsWith('Queue:')) return true;
      const deviceStatus = own(DEVICE_STATUS, f.state ?? '');
      if (deviceStatus && f.device) agentEvent(r, agentId, { device: { id: f.device, status: deviceStatus } });
      return true;
    }
    default:
      return false;
  }
}
