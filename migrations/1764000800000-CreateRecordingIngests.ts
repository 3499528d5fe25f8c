import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateRecordingIngests1764000800000 implements MigrationInterface {
  name = 'CreateRecordingIngests1764000800000';

  async up(q: QueryRunner): Promise<void> {
    // The recordings module's ingest journal: a PBX file to turn into a stored recording, written when the call's
    // recording.ready is decided and deleted once the file is stored. A node claims a job for a lease it keeps
    // renewing, so the job of a node that crashed mid-ingest is claimed again when the lease runs out. `spool` is
    // the RECORDINGS_DIR of the nodes that can read the file: only they claim it. A refused file keeps its row
    // (`rejected`) so nothing queues it again.
    await q.query(`
      CREATE TABLE recording_ingests (
        spool text NOT NULL,
        call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        pbx_file text NOT NULL,
        closed boolean NOT NULL DEFAULT false,
        due_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed_by text NULL,
        claimed_until timestamptz NULL,
        last_error text NULL,
        rejected text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (spool, call_id, pbx_file)
      )`);
    await q.query(`CREATE INDEX ix_recording_ingests_due ON recording_ingests (spool, due_at) WHERE rejected IS NULL`);
    await q.query(`CREATE INDEX ix_recording_ingests_call ON recording_ingests (call_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recording_ingests`);
  }
}
