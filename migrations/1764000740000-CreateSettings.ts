import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Company settings an admin changes from the UI (time zone, default country, recording retention, wrap-up, callback
 * escalation). A key without a row has the value the environment gives. Every change is announced on the
 * `zvonok_settings` channel at commit, so every node applies it at once, without a restart.
 */
export class CreateSettings1764000740000 implements MigrationInterface {
  name = 'CreateSettings1764000740000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settings (
        key text PRIMARY KEY CHECK (key ~ '^[a-zA-Z][a-zA-Z0-9]{0,63}$'),
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NULL REFERENCES users(id) ON DELETE SET NULL
      )`);
    await q.query(`
      CREATE FUNCTION zv_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('zvonok_settings', CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_settings_changed AFTER INSERT OR UPDATE OR DELETE ON settings
        FOR EACH ROW EXECUTE FUNCTION zv_settings_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_settings_changed ON settings`);
    await q.query(`DROP FUNCTION zv_settings_changed()`);
    await q.query(`DROP TABLE settings`);
  }
}
