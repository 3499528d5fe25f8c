import type { AgentStateEvent } from '@telephony/model/call-event';

/** An operator's queue pause as one comparable value: `paused:<reason>` or `unpaused`. */
type Pause = string;

const pauseOf = (paused: boolean, reason: string | undefined): Pause =>
  paused ? `paused:${reason ?? ''}` : 'unpaused';
const pauseOfEvent = (ev: AgentStateEvent): Pause => pauseOf(ev.status === 'paused', ev.pauseReason);

/**
 * Tells the pauses the adapter was asked for from those made on the PBX itself. Asterisk carries out one member's
 * pause actions in order and reports each change once (the tracker drops repeats), so a request that changes the
 * member's pause comes back as exactly one change, in request order; a request that changes nothing comes back as
 * none, so it is not waited for. A change that matches no request is the PBX's own.
 */
export class PauseChanges {
  /** The pause last reported per operator. */
  private readonly reported = new Map<string, Pause>();
  /** Requests sent and not yet reported, oldest first. */
  private readonly awaited = new Map<string, Pause[]>();

  /** Before sending a pause request; returns the function that withdraws it when the PBX refused it. */
  request(agentId: string, paused: boolean, reason: string | undefined): () => void {
    const pause = pauseOf(paused, reason);
    const awaited = this.awaited.get(agentId) ?? [];
    // Unknown operators are no queue members yet: the PBX refuses the request, or reports it as a first report.
    const projected = awaited.at(-1) ?? this.reported.get(agentId);
    if (projected === undefined || projected === pause) return () => undefined;
    awaited.push(pause);
    this.awaited.set(agentId, awaited);
    return () => {
      const i = awaited.lastIndexOf(pause);
      if (i >= 0) awaited.splice(i, 1);
    };
  }

  /** The event with `pauseChange` set when it changes the operator's pause. */
  classify(ev: AgentStateEvent): AgentStateEvent {
    const pause = pauseOfEvent(ev);
    const before = this.reported.get(ev.agentId);
    this.reported.set(ev.agentId, pause);
    if (before === undefined || before === pause) return ev;
    const awaited = this.awaited.get(ev.agentId) ?? [];
    const i = awaited.indexOf(pause);
    if (i < 0) return { ...ev, pauseChange: 'external' };
    // Requests older than the one reported came back unreported (the PBX had changed the pause meanwhile).
    awaited.splice(0, i + 1);
    return { ...ev, pauseChange: 'requested' };
  }

  /** The link is down: requests in flight are lost, and the next report after a resync compares with the last. */
  linkLost(): void {
    this.awaited.clear();
  }
}
