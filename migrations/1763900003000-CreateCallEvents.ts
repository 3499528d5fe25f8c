import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCallEvents1763900003000 implements MigrationInterface {
  name = 'CreateCallEvents1763900003000';

  async up(q: QueryRunner): Promise<void> {
    // The event log a call record is projected from. The primary key is the dedupe: an event delivered twice
    // (bus redelivery, restarted adapter re-publishing) inserts nothing the second time.
    // No FK to calls: the first event of a call creates its row in the same transaction.
    await q.query(`
      CREATE TABLE call_events (
        call_id uuid NOT NULL,
        seq integer NOT NULL CHECK (seq > 0),
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (call_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE call_events`);
  }
}
