import type { Redis } from 'ioredis';

import type { CallDirection } from '@telephony/model/call-status';
import type { Party } from '@telephony/model/call-event';

/** One of our dialogs, enough to send its BYE from another process (drachtio has no dialog list to ask). */
export interface StoredDialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** The far end's target (its Contact): the BYE's Request-URI. */
  remoteUri: string;
  /** drachtio-server's id of the dialog: a successor sends in-dialog requests by it (absent in older entries). */
  stackId?: string;
}

/** A call as this node last saw it: what a restarted node needs to end it and report its end. */
export interface StoredCall {
  sipCallId: string;
  direction: CallDirection;
  from: Party;
  to: Party;
  queue?: string;
  startedAtMs: number;
  answeredAtMs?: number;
  agentId?: string;
  /** rtpengine records it: deleting it there closes the pcap, which becomes the recording. */
  recorded: boolean;
  /** rtpengine's tags of the caller's and the operator's side: an adopted call can still be listened in to. */
  mediaTags?: { caller: string; callee: string };
  /** Answered calls: the caller's and the operator's dialog. */
  dialogs: StoredDialog[];
}

/**
 * The calls one SIP front node has open, per node name: written when a call starts and when its dialogs change,
 * removed when it ends. A restarted node of the same name reads what its predecessor left.
 */
export interface SipDialogStore {
  save(node: string, call: StoredCall): Promise<void>;
  remove(node: string, sipCallId: string): Promise<void>;
  list(node: string): Promise<StoredCall[]>;
}

/** One Redis hash per node (`<prefix><node>`), a field per call: shared with the node's successor, not its peers. */
export class RedisDialogStore implements SipDialogStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'zvonok:sip:dialogs:',
  ) {}

  async save(node: string, call: StoredCall): Promise<void> {
    await this.redis.hset(this.prefix + node, call.sipCallId, JSON.stringify(call));
  }

  async remove(node: string, sipCallId: string): Promise<void> {
    await this.redis.hdel(this.prefix + node, sipCallId);
  }

  async list(node: string): Promise<StoredCall[]> {
    const fields = await this.redis.hgetall(this.prefix + node);
    const calls: StoredCall[] = [];
    for (const raw of Object.values(fields)) {
      const call = parseStoredCall(raw);
      if (call) calls.push(call);
    }
    return calls;
  }
}

/** A stored call, or null when the value is not one (a damaged field is skipped, not fatal to the restart). */
export function parseStoredCall(raw: string): StoredCall | null {
  try {
    const v = JSON.parse(raw) as Partial<StoredCall>;
    if (typeof v.sipCallId !== 'string' || typeof v.startedAtMs !== 'number' || !v.from || !v.to) return null;
    if (v.direction !== 'inbound' && v.direction !== 'outbound' && v.direction !== 'internal') return null;
    const dialogs = Array.isArray(v.dialogs) ? v.dialogs.filter(isDialog) : [];
    const { mediaTags, ...rest } = v as StoredCall;
    const tagsValid = typeof mediaTags?.caller === 'string' && typeof mediaTags.callee === 'string';
    return { ...rest, recorded: v.recorded === true, dialogs, ...(tagsValid ? { mediaTags } : {}) };
  } catch {
    return null;
  }
}

function isDialog(d: unknown): d is StoredDialog {
  const o = d as Partial<StoredDialog> | null;
  return (
    !!o &&
    typeof o.callId === 'string' &&
    typeof o.localTag === 'string' &&
    typeof o.remoteTag === 'string' &&
    typeof o.remoteUri === 'string' &&
    (o.stackId === undefined || typeof o.stackId === 'string')
  );
}
