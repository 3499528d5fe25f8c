import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The audit log viewer pages newest first by (at, id) and filters by actor, action and entity: one index per filter,
 * each ending in (at DESC, id DESC), so a page is an index range scan however many rows the table holds. Rows can no
 * longer be changed: UPDATE raises (nothing in Zvonok updates them; retention by a DBA may still DELETE old rows).
 */
export class AuditLogViewer1764000710000 implements MigrationInterface {
  name = 'AuditLogViewer1764000710000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_audit_log_at ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_audit_log_action_at ON audit_log (action, at DESC, id DESC)`);
    await q.query(`DROP INDEX ix_audit_log_actor`);
    await q.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, at DESC, id DESC)`);
    await q.query(`DROP INDEX ix_audit_log_entity`);
    await q.query(`CREATE INDEX ix_audit_log_entity ON audit_log (entity, entity_id, at DESC, id DESC)`);
    await q.query(`
      CREATE FUNCTION zv_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_audit_log_append_only BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION zv_audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_audit_log_append_only ON audit_log`);
    await q.query(`DROP FUNCTION zv_audit_log_append_only()`);
    await q.query(`DROP INDEX ix_audit_log_entity`);
    await q.query(`CREATE INDEX ix_audit_log_entity ON audit_log (entity, entity_id, at DESC)`);
    await q.query(`DROP INDEX ix_audit_log_actor`);
    await q.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, at DESC)`);
    await q.query(`DROP INDEX ix_audit_log_action_at`);
    await q.query(`DROP INDEX ix_audit_log_at`);
  }
}
