import { type DataSource } from 'typeorm';

import { type CallEvent } from '@telephony';

import { projectCall, type CallProjection } from './call-projection';

export interface RecordResult {
  /** False when the event was already stored: a redelivery, nothing changed. */
  applied: boolean;
  call: CallProjection | null;
}

/**
 * Stores call events and keeps the `calls` row equal to the projection of everything stored so far.
 * Idempotent and order-proof by construction: the (call_id, seq) key drops duplicates, and the row is always
 * re-derived from the whole event set, so any arrival order gives the same record. A per-call advisory lock
 * serialises web nodes working on the same call.
 */
export class CallRecorderService {
  constructor(private readonly dataSource: DataSource) {}

  async record(event: CallEvent): Promise<RecordResult> {
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [event.callId]);
      const inserted: unknown[] = await em.query(
        `INSERT INTO call_events (call_id, seq, type, occurred_at, payload) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING seq`,
        [event.callId, event.seq, event.type, event.occurredAt, JSON.stringify(event)],
      );
      if (inserted.length === 0) return { applied: false, call: null };
      const rows: { payload: CallEvent }[] = await em.query(
        'SELECT payload FROM call_events WHERE call_id = $1 ORDER BY seq',
        [event.callId],
      );
      const call = projectCall(rows.map((r) => r.payload))!;
      await em.query(UPSERT_CALL, [
        call.id,
        call.linkedid,
        event.externalIds.sipCallId ?? null,
        event.source,
        call.direction,
        call.fromRaw,
        call.fromE164,
        call.anonymous,
        call.toRaw,
        call.toE164,
        call.queue,
        call.agentExtension,
        call.status,
        call.startedAt,
        call.answeredAt,
        call.endedAt,
        call.waitSeconds,
        call.talkSeconds,
        call.holdSeconds,
        call.disposition,
        call.hangupCause,
        call.lastSeq,
        call.closedFromCdr,
      ]);
      return { applied: true, call };
    });
  }
}

const UPSERT_CALL = `
  INSERT INTO calls (id, linkedid, sip_call_id, source, direction, from_raw, from_e164, anonymous, to_raw, to_e164,
    queue, agent_extension, operator_id, status, started_at, answered_at, ended_at, wait_seconds, talk_seconds,
    hold_seconds, disposition, hangup_cause, last_seq, closed_from_cdr)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
    (SELECT id FROM users WHERE extension = $12), $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
  ON CONFLICT (id) DO UPDATE SET
    linkedid = EXCLUDED.linkedid, sip_call_id = COALESCE(EXCLUDED.sip_call_id, calls.sip_call_id),
    direction = EXCLUDED.direction, from_raw = EXCLUDED.from_raw, from_e164 = EXCLUDED.from_e164,
    anonymous = EXCLUDED.anonymous, to_raw = EXCLUDED.to_raw, to_e164 = EXCLUDED.to_e164, queue = EXCLUDED.queue,
    agent_extension = EXCLUDED.agent_extension, operator_id = EXCLUDED.operator_id, status = EXCLUDED.status,
    started_at = EXCLUDED.started_at, answered_at = EXCLUDED.answered_at, ended_at = EXCLUDED.ended_at,
    wait_seconds = EXCLUDED.wait_seconds, talk_seconds = EXCLUDED.talk_seconds, hold_seconds = EXCLUDED.hold_seconds,
    disposition = EXCLUDED.disposition, hangup_cause = EXCLUDED.hangup_cause, last_seq = EXCLUDED.last_seq,
    closed_from_cdr = EXCLUDED.closed_from_cdr, updated_at = now()`;
