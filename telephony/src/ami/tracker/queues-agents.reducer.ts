import type { AgentStateEvent, AgentStatus } from '@telephony/model/call-event';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { onDialBegin } from '@telephony/ami/tracker/channels-bridges.reducer';
import { agentFromInterface, type Reducer, type Seen } from '@telephony/ami/tracker/tracker-reducer';
import { own } from '@telephony/ami/tracker/tracker-state';

/**
 * Queues and agents: a caller waiting in and leaving a queue, app_queue ringing and connecting its members, and the
 * members' own state (device state and pause), reported as `agent.state`.
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
  paused?: boolean;
  pauseReason?: string;
}

function agentEvent(r: Reducer, agentId: string, update: AgentUpdate, queue?: string): void {
  const a = r.d.agent(agentId);
  if (update.device) a.devices = { ...a.devices, [update.device.id]: update.device.status };
  if (update.paused !== undefined) a.paused = update.paused;
  if (update.pauseReason !== undefined) a.pauseReason = update.pauseReason;
  if (!a.paused) delete a.pauseReason;
  const status: AgentStatus = a.paused ? 'paused' : aggregate(a.devices);
  const signature = `${status}|${a.pauseReason ?? ''}`;
  if (signature === a.lastEmitted) return;
  a.lastEmitted = signature;
  const ev: AgentStateEvent = {
    type: 'agent.state',
    agentId,
    status,
    ...(queue ? { queue } : {}),
    ...(a.pauseReason ? { pauseReason: a.pauseReason } : {}),
    occurredAt: new Date(r.now).toISOString(),
    source: 'ami',
  };
  r.d.events.push(ev);
}

const truthy = (v: string | undefined) => v === '1' || v?.toLowerCase() === 'true' || v?.toLowerCase() === 'yes';

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
      const paused = truthy(f.paused);
      const reason = f.pausedreason || f.reason;
      const device = {
        id: f.stateinterface ?? f.interface ?? f.location ?? agentId,
        status: deviceStatus,
      };
      agentEvent(r, agentId, { device, paused, ...(paused && reason ? { pauseReason: reason } : {}) }, f.queue);
      return true;
    }
    case 'queuememberpause':
    case 'queuememberpaused': {
      const agentId =
        agentFromInterface(f.stateinterface ?? f.interface, r.config) ?? agentFromInterface(f.membername, r.config);
      if (!agentId) return true;
      const paused = truthy(f.paused);
      const reason = f.pausedreason || f.reason;
      agentEvent(r, agentId, { paused, ...(paused && reason ? { pauseReason: reason } : {}) }, f.queue);
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
