/** How the SIP front's queue offers a call to its members (Asterisk queues.conf `strategy`). */
export type QueueStrategy = 'ringall' | 'longest-idle';

export interface SipQueueConfig {
  /** Reported as `queue` on the call's events once it enters the queue (like Asterisk's queue name). */
  name: string;
  strategy: QueueStrategy;
  /** The queue's members: operators' extensions (the server answers from its users). */
  members: () => Promise<string[]>;
  /** How long the caller's owner rings before the queue takes over. Default 10 000 (ZV_OWNER_RING_TIMEOUT). */
  ownerRingTimeoutMs?: number;
  /** longest-idle: how long one member rings before the next. Default 15 000 (queues.conf `timeout`). */
  memberRingTimeoutMs?: number;
  /** Pause after every free member was offered the call and refused, before the next round. Default 5000. */
  retryMs?: number;
  /** Then the caller gets 480 and the call is missed. Default 30 000 (ZV_QUEUE_TIMEOUT). */
  queueTimeoutMs?: number;
}

/** What the queue knows about each member besides the member list. */
export interface RosterView {
  /** Extensions the server paused (break, wrap-up, offline). */
  paused: ReadonlySet<string>;
  /** Extensions on a call or ringing for another call (ringinuse=no). */
  busy: ReadonlySet<string>;
  /** When each member's last call ended (ms); never = longest idle. */
  lastCallEndedAt: ReadonlyMap<string, number>;
}

/**
 * The members to offer a call to now, in order: only those neither paused nor busy; longest-idle puts the one whose
 * last call ended longest ago first (never-called first, ties by extension), ringall keeps the member order.
 */
export function availableMembers(strategy: QueueStrategy, members: readonly string[], view: RosterView): string[] {
  const free = [...new Set(members)].filter((m) => !view.paused.has(m) && !view.busy.has(m));
  if (strategy === 'ringall') return free;
  const idleSince = (m: string) => view.lastCallEndedAt.get(m) ?? Number.NEGATIVE_INFINITY;
  return free.sort((a, b) => idleSince(a) - idleSince(b) || a.localeCompare(b));
}

/** Pause state and idle times of the queue's members, as the server reports them through `setAgentPaused`. */
export class AgentRoster {
  private readonly pausedAgents = new Map<string, string | undefined>();
  private readonly lastEnded = new Map<string, number>();

  setPaused(extension: string, paused: boolean, reason?: string): void {
    if (paused) this.pausedAgents.set(extension, reason);
    else this.pausedAgents.delete(extension);
  }

  callEnded(extension: string, atMs: number): void {
    this.lastEnded.set(extension, atMs);
  }

  view(busy: ReadonlySet<string>): RosterView {
    return { paused: new Set(this.pausedAgents.keys()), busy, lastCallEndedAt: this.lastEnded };
  }
}
