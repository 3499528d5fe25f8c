import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Do-not-call enforced (issue #12, item 5).
 * - `blocked_numbers`: numbers the PBX refuses both ways (inbound callers are rejected, outbound calls not placed),
 *   each with the reason an admin gave. Keyed like contact_phones (E.164, and the last ten digits of +7 numbers).
 * - `dial_overrides`: a supervisor's or manager's one-time, short-lived permission to dial one do-not-call number from
 *   their own extension; the PBX's lookup consumes it, so an override through the desk phone or the softphone gets
 *   past the dialplan too. The override itself is audited (audit_log) with its reason.
 * - `calls.disposition` gains `blocked`: a call the PBX refused by policy before anyone answered.
 */
export class CreateBlockedNumbers1764001100000 implements MigrationInterface {
  name = 'CreateBlockedNumbers1764001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blocked_numbers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone_raw text NOT NULL CHECK (char_length(phone_raw) BETWEEN 1 AND 40),
        e164 text NOT NULL CHECK (e164 ~ '^\\+[0-9]{6,15}$'),
        last10 text NULL CHECK (last10 ~ '^[0-9]{10}$'),
        reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
        created_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_blocked_numbers_e164 ON blocked_numbers (e164)`);
    await q.query(`CREATE INDEX ix_blocked_numbers_last10 ON blocked_numbers (last10) WHERE last10 IS NOT NULL`);
    // The call pipeline caches who a number belongs to (scope `phones`); a blocked caller gets no lead.
    await q.query(`
      CREATE FUNCTION zv_blocked_numbers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('zvonok_cards', 'phones');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_blocked_numbers_card AFTER INSERT OR UPDATE OR DELETE ON blocked_numbers
        FOR EACH STATEMENT EXECUTE FUNCTION zv_blocked_numbers_changed()`);

    await q.query(`
      CREATE TABLE dial_overrides (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        extension text NOT NULL CHECK (extension ~ '^[0-9]{2,6}$'),
        e164 text NOT NULL,
        reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX ix_dial_overrides_open ON dial_overrides (extension, e164) WHERE used_at IS NULL`);

    await q.query(`ALTER TABLE calls DROP CONSTRAINT calls_disposition_check`);
    await q.query(`
      ALTER TABLE calls ADD CONSTRAINT calls_disposition_check
        CHECK (disposition IN ('answered', 'missed', 'abandoned', 'failed', 'blocked'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The old constraint has no `blocked`: such calls become what they looked like before (inbound missed,
    // outbound failed); that they were refused by policy is lost.
    await q.query(`
      UPDATE calls SET disposition = CASE WHEN direction = 'outbound' THEN 'failed' ELSE 'missed' END
      WHERE disposition = 'blocked'`);
    await q.query(`ALTER TABLE calls DROP CONSTRAINT calls_disposition_check`);
    await q.query(`
      ALTER TABLE calls ADD CONSTRAINT calls_disposition_check
        CHECK (disposition IN ('answered', 'missed', 'abandoned', 'failed'))`);
    await q.query(`DROP TABLE dial_overrides`);
    await q.query(`DROP TRIGGER tr_blocked_numbers_card ON blocked_numbers`);
    await q.query(`DROP FUNCTION zv_blocked_numbers_changed()`);
    await q.query(`DROP TABLE blocked_numbers`);
  }
}
