import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCallsAndAudit1763900002000 implements MigrationInterface {
  name = 'CreateCallsAndAudit1763900002000';

  async up(q: QueryRunner): Promise<void> {
    // calls.id is the telephony callId (UUID v5 derived by the adapter), so replays upsert the same row.
    await q.query(`
      CREATE TABLE calls (
        id uuid PRIMARY KEY,
        linkedid text NULL,
        uniqueid text NULL,
        sip_call_id text NULL,
        source text NOT NULL CHECK (source IN ('ami', 'sip')),
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
        from_raw text NOT NULL,
        from_e164 text NULL,
        anonymous boolean NOT NULL DEFAULT false,
        to_raw text NOT NULL,
        to_e164 text NULL,
        queue text NULL,
        operator_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        agent_extension text NULL,
        status text NOT NULL DEFAULT 'created',
        started_at timestamptz NOT NULL,
        answered_at timestamptz NULL,
        ended_at timestamptz NULL,
        wait_seconds integer NULL CHECK (wait_seconds >= 0),
        talk_seconds integer NULL CHECK (talk_seconds >= 0),
        hold_seconds integer NOT NULL DEFAULT 0 CHECK (hold_seconds >= 0),
        disposition text NULL CHECK (disposition IN ('answered', 'missed', 'abandoned', 'failed')),
        hangup_cause text NULL,
        raw_cause text NULL,
        last_seq integer NOT NULL DEFAULT 0,
        closed_from_cdr boolean NOT NULL DEFAULT false,
        contact_id uuid NULL REFERENCES contacts(id) ON DELETE SET NULL,
        lead_id uuid NULL REFERENCES leads(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_calls_started ON calls (started_at DESC)`);
    await q.query(`CREATE INDEX ix_calls_operator_started ON calls (operator_id, started_at DESC)`);
    await q.query(`CREATE INDEX ix_calls_from_e164 ON calls (from_e164, started_at DESC)`);
    await q.query(`CREATE INDEX ix_calls_contact ON calls (contact_id, started_at DESC)`);
    await q.query(`CREATE INDEX ix_calls_lead ON calls (lead_id)`);
    await q.query(`CREATE INDEX ix_calls_linkedid ON calls (linkedid)`);
    await q.query(`CREATE INDEX ix_calls_sip_call_id ON calls (sip_call_id)`);

    await q.query(`
      CREATE TABLE call_legs (
        id uuid PRIMARY KEY,
        call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        uniqueid text NULL,
        channel text NULL,
        agent_extension text NULL,
        user_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        started_at timestamptz NOT NULL,
        answered_at timestamptz NULL,
        ended_at timestamptz NULL,
        hangup_cause text NULL
      )`);
    await q.query(`CREATE INDEX ix_call_legs_call ON call_legs (call_id)`);
    await q.query(`CREATE INDEX ix_call_legs_user ON call_legs (user_id, started_at DESC)`);

    await q.query(`
      CREATE TABLE recordings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        storage_key text NOT NULL,
        duration_seconds integer NULL CHECK (duration_seconds >= 0),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        mime text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_recordings_storage_key UNIQUE (storage_key)
      )`);
    await q.query(`CREATE INDEX ix_recordings_call ON recordings (call_id)`);

    // No FK on actor_id: the audit trail must survive deleting the user it mentions.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor_id uuid NULL,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text NULL,
        details jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_audit_log_entity ON audit_log (entity, entity_id, at DESC)`);
    await q.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE recordings`);
    await q.query(`DROP TABLE call_legs`);
    await q.query(`DROP TABLE calls`);
  }
}
