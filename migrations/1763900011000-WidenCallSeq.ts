import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class WidenCallSeq1763900011000 implements MigrationInterface {
  name = 'WidenCallSeq1763900011000';

  async up(q: QueryRunner): Promise<void> {
    // A call the adapter learns midway (a restarted adapter) numbers its events from the PBX clock in ms, which
    // does not fit in integer.
    await q.query(`ALTER TABLE call_events ALTER COLUMN seq TYPE bigint`);
    await q.query(`ALTER TABLE call_handlers ALTER COLUMN seq TYPE bigint`);
    await q.query(`ALTER TABLE calls ALTER COLUMN last_seq TYPE bigint`);
    // A restarting adapter asks for the calls still open; few rows, so a small partial index.
    await q.query(`CREATE INDEX ix_calls_open ON calls (source) WHERE status <> 'ended'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fails, rather than truncating, if a call already has events numbered past integer.
    await q.query(`DROP INDEX ix_calls_open`);
    await q.query(`ALTER TABLE calls ALTER COLUMN last_seq TYPE integer`);
    await q.query(`ALTER TABLE call_handlers ALTER COLUMN seq TYPE integer`);
    await q.query(`ALTER TABLE call_events ALTER COLUMN seq TYPE integer`);
  }
}
