import {
  defaultRecord,
  type AgentStateRecord,
  effectiveState,
  type EffectiveState,
  type Mutation,
  sameEffective,
} from './agent-state';

/** One interval of agent_state_history: the effective state from `at` on, and who chose it (null = the calls). */
export interface Interval extends EffectiveState {
  changedBy: string | null;
}

/** What a change did, for the pushes and the queue pause. */
export interface Applied {
  before: AgentStateRecord;
  after: AgentStateRecord;
  /** The chosen state or its reason changed, so the queue pause must follow. */
  baseChanged: boolean;
  effectiveChanged: boolean;
}

/** What the next write of an operator's row is: the record now, the intervals that led to it, the row's version. */
export interface PendingRow {
  userId: string;
  record: AgentStateRecord;
  /** The version the row has once written; the write is kept only if the stored row is still `version - 1`. */
  version: number;
  intervals: Interval[];
  /** How many changes this write covers (changes made while it is on its way stay pending). */
  changes: number;
}

interface Change {
  mutate: Mutation;
  at: Date;
  changedBy: string | null;
  interval: Interval | null;
}

interface Entry {
  /** The row as stored, at `version`. */
  stored: AgentStateRecord;
  version: number;
  /** Changes decided here and not yet stored, in order; `current` is `stored` with all of them applied. */
  changes: Change[];
  current: AgentStateRecord;
}

const baseChanged = (a: AgentStateRecord, b: AgentStateRecord) => a.state !== b.state || a.reason !== b.reason;

/**
 * The operators' states held in memory: every change is decided here, at once, and written later (AgentsService
 * flushes `pending()` in batches). The table stays the truth: a row is learned from it when an operator is first
 * needed (or at start), and a write is a compare-and-set on the row's version, so a change decided on a state
 * another node has moved on from is replayed (`rebase`) on the stored row before it is kept.
 */
export class AgentBook {
  private readonly entries = new Map<string, Entry>();
  /** Who is ringing for (or on) each call. */
  private readonly byCall = new Map<string, Set<string>>();

  has(userId: string): boolean {
    return this.entries.has(userId);
  }

  get(userId: string): AgentStateRecord | undefined {
    return this.entries.get(userId)?.current;
  }

  version(userId: string): number | undefined {
    return this.entries.get(userId)?.version;
  }

  usersOn(callId: string): string[] {
    return [...(this.byCall.get(callId) ?? [])];
  }

  /**
   * A row read from the table (null: none yet, which means available since `now`). A newer version than the one
   * held replaces it, with the changes not yet stored replayed on top; an older or equal one is ignored.
   * Returns what the replay did when the current state changed.
   */
  learn(userId: string, row: AgentStateRecord | null, version: number, now = new Date()): Applied | null {
    const entry = this.entries.get(userId);
    const stored = row ?? defaultRecord(now);
    if (!entry) {
      this.entries.set(userId, { stored, version, changes: [], current: stored });
      this.index(userId, null, stored);
      return null;
    }
    if (version <= entry.version) return null;
    const before = entry.current;
    entry.stored = stored;
    entry.version = version;
    entry.current = stored;
    for (const change of entry.changes) {
      const next = change.mutate(entry.current, change.at);
      change.interval = next ? this.intervalOf(entry.current, next, change) : null;
      if (next) entry.current = next;
    }
    this.index(userId, before, entry.current);
    return describe(before, entry.current);
  }

  /** Decides a change in memory; null when it changes nothing. The operator must be known (`learn`). */
  apply(userId: string, mutate: Mutation, changedBy: string | null, at = new Date()): Applied | null {
    const entry = this.entries.get(userId);
    if (!entry) throw new Error(`agent ${userId} is not loaded`);
    const next = mutate(entry.current, at);
    if (!next) return null;
    const before = entry.current;
    entry.changes.push({ mutate, at, changedBy, interval: this.intervalOf(before, next, { at, changedBy }) });
    entry.current = next;
    this.index(userId, before, next);
    return describe(before, next);
  }

  /** Every operator with changes not yet stored. */
  pending(): PendingRow[] {
    const rows: PendingRow[] = [];
    for (const [userId, e] of this.entries) {
      if (!e.changes.length) continue;
      rows.push({
        userId,
        record: e.current,
        version: e.version + 1,
        intervals: e.changes.flatMap((c) => (c.interval ? [c.interval] : [])),
        changes: e.changes.length,
      });
    }
    return rows;
  }

  hasPending(): boolean {
    for (const e of this.entries.values()) if (e.changes.length) return true;
    return false;
  }

  /** The write of `row` is committed. */
  stored(row: PendingRow): void {
    const entry = this.entries.get(row.userId);
    if (!entry || entry.version !== row.version - 1) return;
    entry.stored = row.record;
    entry.version = row.version;
    entry.changes.splice(0, row.changes);
  }

  /** The operator is gone (user deleted): nothing of theirs is kept or written. */
  forget(userId: string): void {
    const entry = this.entries.get(userId);
    if (!entry) return;
    this.index(userId, entry.current, null);
    this.entries.delete(userId);
  }

  private intervalOf(
    before: AgentStateRecord,
    after: AgentStateRecord,
    { at, changedBy }: { at: Date; changedBy: string | null },
  ): Interval | null {
    const next = effectiveState(after);
    return sameEffective(effectiveState(before), next) ? null : { ...next, since: at, changedBy };
  }

  private index(userId: string, before: AgentStateRecord | null, after: AgentStateRecord | null): void {
    const was = before?.activityCallId ?? null;
    const is = after?.activityCallId ?? null;
    if (was === is) return;
    if (was) {
      const users = this.byCall.get(was);
      users?.delete(userId);
      if (users?.size === 0) this.byCall.delete(was);
    }
    if (is) {
      let users = this.byCall.get(is);
      if (!users) this.byCall.set(is, (users = new Set()));
      users.add(userId);
    }
  }
}

function describe(before: AgentStateRecord, after: AgentStateRecord): Applied {
  return {
    before,
    after,
    baseChanged: baseChanged(before, after),
    effectiveChanged: !sameEffective(effectiveState(before), effectiveState(after)),
  };
}
