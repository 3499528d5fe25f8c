import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import { type CallEvent } from '@telephony';
import { type CallerLink } from '@server/common/calls/call-change';
import { type CallProjection } from '@server/common/calls/call-projection';

/** A screen pop to remember: one per (call, user), and the leg that makes the caller visible to that operator. */
export interface PopRow {
  callId: string;
  userId: string;
  extension: string;
  reason: 'ringing' | 'transfer';
  legId: string;
  at: string;
}

/** What one decided event leaves in the database. */
export interface CallWrite {
  event: CallEvent;
  /** The call's record after the event. */
  call: CallProjection;
  operatorId: string | null;
  link: CallerLink | null;
  pops: PopRow[];
}

/** A call as stored, for the node that takes it over (its events, link, operator, and who already got a card). */
export interface StoredCall {
  events: CallEvent[];
  link: CallerLink | null;
  operatorId: string | null;
  popped: string[];
}

export interface CallStoreOptions {
  /** How long a write waits for others to share its round trip; 0 still batches what arrives meanwhile. */
  flushDelayMs?: number;
  maxBatch?: number;
  /** Called after every flush, for the batch size and flush time histograms. */
  onFlush?: (rows: number, seconds: number) => void;
  /** Called with the records of a batch once it is committed (analytics refreshes its rollups from them). */
  onCommitted?: (calls: readonly CallProjection[]) => void;
}

interface Pending {
  write: CallWrite;
  done: () => void;
}

const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * The calls module's writer of `calls`, `call_events`, `call_pops` and `call_legs`, for the call pipeline: writes
 * arrive one per decided event and leave in batches, one statement per flush (four multi-row writes as
 * data-modifying CTEs), never on the screens' path. Each write's promise resolves once it is committed; the pipeline
 * acks the event then.
 *
 * What the database guarantees, whatever the pipeline's memory says: an event is stored once (`call_events`
 * primary key), a user gets one card per call (`call_pops` primary key), a leg once (`call_legs` primary key). A row
 * that refers to a user or contact deleted meanwhile is written without that reference instead of failing the batch.
 * A contact an operator chose for the call (`contact_chosen_at`, see CallContactService) outlives the pipeline's own
 * first match, which later events still carry.
 */
export class CallStore {
  private queue: Pending[] = [];
  private loads = new Map<
    string,
    { resolve: (stored: StoredCall | null) => void; reject: (error: unknown) => void }[]
  >();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly options: CallStoreOptions = {},
  ) {
    this.flushDelayMs = options.flushDelayMs ?? 2;
    this.maxBatch = options.maxBatch ?? 500;
  }

  write(write: CallWrite): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ write, done });
      this.schedule();
    });
  }

  /** Resolves once everything written so far is committed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      await (this.flushing ?? this.flush());
    }
  }

  /**
   * What is stored of a call, for a node that has not seen it (a takeover, a restart, or a new call: then nothing).
   * The calls asked for in one event-loop turn share one statement: a backlog of new calls (a partition read in one
   * batch) costs one round trip, not one per call. Events, link and pops come from one snapshot.
   */
  load(callId: string): Promise<StoredCall | null> {
    // Refused here, so a malformed id fails its own event only, not the calls it would share the statement with.
    if (!UUID.test(callId)) return Promise.reject(new Error(`call id ${JSON.stringify(callId)} is not a UUID`));
    return new Promise((resolve, reject) => {
      const waiting = this.loads.get(callId);
      if (waiting) waiting.push({ resolve, reject });
      else this.loads.set(callId, [{ resolve, reject }]);
      if (this.loads.size === 1 && !waiting) setImmediate(() => void this.loadAsked());
    });
  }

  private async loadAsked(): Promise<void> {
    const asked = this.loads;
    this.loads = new Map();
    try {
      const rows = (await this.dataSource.query(LOAD_CALLS, [[...asked.keys()]])) as StoredRow[];
      const byId = new Map(rows.map((row) => [row.call_id, row]));
      for (const [id, waiting] of asked) {
        const stored = storedCall(byId.get(id.toLowerCase()));
        for (const w of waiting) w.resolve(stored);
      }
    } catch (error) {
      for (const waiting of asked.values()) for (const w of waiting) w.reject(error);
    }
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush takes the next batch when it is done
    if (this.queue.length >= this.maxBatch) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushDelayMs);
    }
  }

  private flush(): Promise<void> {
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }

  /**
   * One transaction for the batch. A database that is down is waited for (the writes stay queued and their events
   * unacked); a batch the database refuses is split, so one bad row cannot hold the others back, and a single
   * refused write is logged and given up (its event is still redelivered to nobody: it was decided already).
   */
  private async commit(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const started = process.hrtime.bigint();
      try {
        await this.dataSource.query(WRITE_BATCH, batchParams(batch.map((p) => p.write)));
        this.options.onFlush?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
        this.options.onCommitted?.(batch.map((p) => p.write.call));
        for (const p of batch) p.done();
        return;
      } catch (error) {
        if (isConnectionError(error)) {
          const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
          if (attempt === 0 || wait === RETRY_MS.at(-1))
            this.logger.warn({ err: error, rows: batch.length }, 'call store: database unavailable; retrying');
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        if (batch.length > 1) {
          for (const one of batch) await this.commit([one]);
          return;
        }
        const { event } = batch[0]!.write;
        this.logger.error(
          { err: error, callId: event.callId, seq: event.seq, type: event.type },
          'call store: the database refused a call event; it is not stored',
        );
        batch[0]!.done();
        return;
      }
    }
  }
}

interface StoredRow {
  call_id: string;
  events: CallEvent[] | null;
  popped: string[] | null;
  contact_id: string | null;
  lead_id: string | null;
  operator_id: string | null;
  lead_created: boolean | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const LOAD_CALLS = `
  SELECT x.id AS call_id,
    (SELECT json_agg(e.payload ORDER BY e.seq) FROM call_events e WHERE e.call_id = x.id) AS events,
    (SELECT json_agg(p.user_id) FROM call_pops p WHERE p.call_id = x.id) AS popped,
    c.contact_id, c.lead_id, c.operator_id, (l.source_call_id = c.id) AS lead_created
  FROM unnest($1::uuid[]) AS x(id)
  LEFT JOIN calls c ON c.id = x.id
  LEFT JOIN leads l ON l.id = c.lead_id`;

function storedCall(row: StoredRow | undefined): StoredCall | null {
  if (!row?.events) return null;
  const link: CallerLink | null = row.contact_id
    ? { kind: 'contact', contactId: row.contact_id }
    : row.lead_id
      ? { kind: 'lead', leadId: row.lead_id, createdByThisCall: row.lead_created === true }
      : null;
  return { events: row.events, link, operatorId: row.operator_id, popped: row.popped ?? [] };
}

/** The parameters of WRITE_BATCH: the calls' newest records, the events, the pops and their legs, in that order. */
function batchParams(writes: CallWrite[]): unknown[] {
  // The newest record of each call in the batch; the sip Call-ID from whichever event carried it.
  const latest = new Map<string, CallWrite & { sipCallId: string | null }>();
  for (const w of writes) {
    const before = latest.get(w.call.id);
    latest.set(w.call.id, { ...w, sipCallId: w.event.externalIds.sipCallId ?? before?.sipCallId ?? null });
  }
  const calls = [...latest.values()];
  const col = <T>(pick: (w: (typeof calls)[number]) => T) => calls.map(pick);
  const pops = writes.flatMap((w) => w.pops);
  return [
    col((w) => w.call.id),
    col((w) => w.call.linkedid),
    col((w) => w.sipCallId),
    col((w) => w.event.source),
    col((w) => w.call.direction),
    col((w) => w.call.fromRaw),
    col((w) => w.call.fromE164),
    col((w) => w.call.anonymous),
    col((w) => w.call.toRaw),
    col((w) => w.call.toE164),
    col((w) => w.call.queue),
    col((w) => w.call.agentExtension),
    col((w) => w.operatorId),
    col((w) => w.call.status),
    col((w) => w.call.startedAt),
    col((w) => w.call.answeredAt),
    col((w) => w.call.endedAt),
    col((w) => w.call.waitSeconds),
    col((w) => w.call.talkSeconds),
    col((w) => w.call.holdSeconds),
    col((w) => w.call.disposition),
    col((w) => w.call.hangupCause),
    col((w) => w.call.lastSeq),
    col((w) => w.call.closedFromCdr),
    col((w) => (w.link?.kind === 'contact' ? w.link.contactId : null)),
    col((w) => (w.link?.kind === 'lead' ? w.link.leadId : null)),
    col((w) => w.link?.kind === 'lead' && w.link.createdByThisCall),
    // JSON: unnest would flatten an array of arrays.
    col((w) => JSON.stringify(w.call.ringingAgents)),
    writes.map((w) => w.event.callId),
    writes.map((w) => w.event.seq),
    writes.map((w) => w.event.type),
    writes.map((w) => w.event.occurredAt),
    writes.map((w) => JSON.stringify(w.event)),
    pops.map((p) => p.callId),
    pops.map((p) => p.userId),
    pops.map((p) => p.extension),
    pops.map((p) => p.reason),
    pops.map((p) => p.legId),
    pops.map((p) => p.callId),
    pops.map((p) => p.extension),
    pops.map((p) => p.userId),
    pops.map((p) => p.at),
  ];
}

const UPSERT_CALLS = `
  INSERT INTO calls (id, linkedid, sip_call_id, source, direction, from_raw, from_e164, anonymous, to_raw, to_e164,
    queue, agent_extension, operator_id, status, started_at, answered_at, ended_at, wait_seconds, talk_seconds,
    hold_seconds, disposition, hangup_cause, last_seq, closed_from_cdr, contact_id, lead_id, lead_created, ringing_agents)
  SELECT x.id, x.linkedid, x.sip_call_id, x.source, x.direction, x.from_raw, x.from_e164, x.anonymous, x.to_raw,
    x.to_e164, x.queue, x.agent_extension, u.id, x.status, x.started_at, x.answered_at, x.ended_at, x.wait_seconds,
    x.talk_seconds, x.hold_seconds, x.disposition, x.hangup_cause, x.last_seq, x.closed_from_cdr, c.id, l.id,
    x.lead_created, ARRAY(SELECT jsonb_array_elements_text(x.ringing_agents))
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[],
    $9::text[], $10::text[], $11::text[], $12::text[], $13::uuid[], $14::text[], $15::timestamptz[],
    $16::timestamptz[], $17::timestamptz[], $18::int[], $19::int[], $20::int[], $21::text[], $22::text[],
    $23::bigint[], $24::bool[], $25::uuid[], $26::uuid[], $27::bool[], $28::jsonb[])
    AS x(id, linkedid, sip_call_id, source, direction, from_raw, from_e164, anonymous, to_raw, to_e164, queue,
      agent_extension, operator_id, status, started_at, answered_at, ended_at, wait_seconds, talk_seconds,
      hold_seconds, disposition, hangup_cause, last_seq, closed_from_cdr, contact_id, lead_id, lead_created,
      ringing_agents)
  LEFT JOIN users u ON u.id = x.operator_id
  LEFT JOIN contacts c ON c.id = x.contact_id
  LEFT JOIN leads l ON l.id = x.lead_id
  ON CONFLICT (id) DO UPDATE SET
    linkedid = EXCLUDED.linkedid, sip_call_id = COALESCE(EXCLUDED.sip_call_id, calls.sip_call_id),
    direction = EXCLUDED.direction, from_raw = EXCLUDED.from_raw, from_e164 = EXCLUDED.from_e164,
    anonymous = EXCLUDED.anonymous, to_raw = EXCLUDED.to_raw, to_e164 = EXCLUDED.to_e164, queue = EXCLUDED.queue,
    agent_extension = EXCLUDED.agent_extension, operator_id = EXCLUDED.operator_id, status = EXCLUDED.status,
    started_at = EXCLUDED.started_at, answered_at = EXCLUDED.answered_at, ended_at = EXCLUDED.ended_at,
    wait_seconds = EXCLUDED.wait_seconds, talk_seconds = EXCLUDED.talk_seconds, hold_seconds = EXCLUDED.hold_seconds,
    disposition = EXCLUDED.disposition, hangup_cause = EXCLUDED.hangup_cause, last_seq = EXCLUDED.last_seq,
    closed_from_cdr = EXCLUDED.closed_from_cdr,
    contact_id = CASE WHEN calls.contact_chosen_at IS NOT NULL THEN calls.contact_id
      ELSE COALESCE(EXCLUDED.contact_id, calls.contact_id) END,
    lead_id = COALESCE(EXCLUDED.lead_id, calls.lead_id),
    lead_created = EXCLUDED.lead_created OR calls.lead_created, ringing_agents = EXCLUDED.ringing_agents,
    updated_at = now()`;

const INSERT_EVENTS = `
  INSERT INTO call_events (call_id, seq, type, occurred_at, payload)
  SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::jsonb[])
  ON CONFLICT DO NOTHING`;

const INSERT_POPS = `
  INSERT INTO call_pops (call_id, user_id, extension, reason)
  SELECT x.call_id, x.user_id, x.extension, x.reason
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS x(call_id, user_id, extension, reason)
  JOIN users u ON u.id = x.user_id
  ON CONFLICT DO NOTHING`;

const INSERT_LEGS = `
  INSERT INTO call_legs (id, call_id, agent_extension, user_id, started_at)
  SELECT x.id, x.call_id, x.extension, u.id, x.at
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[]) AS x(id, call_id, extension, user_id, at)
  LEFT JOIN users u ON u.id = x.user_id
  ON CONFLICT (id) DO NOTHING`;

/**
 * The whole batch in one statement: one round trip, and atomic without BEGIN and COMMIT. Sub-statements of one
 * statement do not see each other's rows, and need not: none reads another's table, and the foreign keys from
 * `call_events` and `call_legs` to `calls` are checked at the statement's end, after the calls' upsert. Each
 * sub-statement's placeholders are renumbered to follow the previous one's, in the order batchParams gives them.
 */
const WRITE_BATCH = (() => {
  let offset = 0;
  const parts = Object.entries({
    calls_written: UPSERT_CALLS,
    events_written: INSERT_EVENTS,
    pops_written: INSERT_POPS,
    legs_written: INSERT_LEGS,
  }).map(([name, sql]) => {
    const numbers = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    const part = `${name} AS (${sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
    offset += Math.max(...numbers);
    return part;
  });
  return `WITH ${parts.join(',\n')}\nSELECT 1`;
})();

/** The database is unreachable (rather than refusing the data): wait and try again. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(08|57P|53)/.test(code)) return true;
  const message = String((error as { message?: unknown })?.message ?? error);
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection is not open|timeout exceeded/i.test(
    message,
  );
}
