import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCallPops1763900004000 implements MigrationInterface {
  name = 'CreateCallPops1763900004000';

  async up(q: QueryRunner): Promise<void> {
    // Which call created its lead: the pop says "new lead" only on that call, and only that call may give the
    // lead an owner (the answering operator, or the queue's default owner when nobody answered).
    await q.query(`ALTER TABLE calls ADD COLUMN lead_created boolean NOT NULL DEFAULT false`);
    // One card per (call, user): the primary key is what stops a second pop when several web nodes, a transfer and
    // the target's own ringing all want to show the same call to the same person. It is also the list of calls an
    // operator may resync (GET /api/calls/active).
    await q.query(`
      CREATE TABLE call_pops (
        call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        extension text NOT NULL,
        reason text NOT NULL CHECK (reason IN ('ringing', 'transfer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (call_id, user_id)
      )`);
    await q.query(`CREATE INDEX ix_call_pops_user ON call_pops (user_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE call_pops`);
    await q.query(`ALTER TABLE calls DROP COLUMN lead_created`);
  }
}
