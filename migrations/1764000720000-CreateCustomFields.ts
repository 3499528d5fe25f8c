import { type MigrationInterface, type QueryRunner } from 'typeorm';

const RECORDS = ['contacts', 'companies', 'leads', 'deals'] as const;

/**
 * Admin-defined fields of contacts, companies, leads and deals. Values live in each record's `custom` jsonb (keyed
 * by the field's `key`), validated by the server against the definitions. A removed field keeps its values
 * (`removed_at`) until an admin purges them; its key stays taken until then.
 */
export class CreateCustomFields1764000720000 implements MigrationInterface {
  name = 'CreateCustomFields1764000720000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE custom_fields (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entity text NOT NULL CHECK (entity IN ('contact', 'company', 'lead', 'deal')),
        key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
        type text NOT NULL
          CHECK (type IN ('text', 'number', 'date', 'select', 'multiselect', 'phone', 'email', 'url', 'checkbox')),
        label_ru text NOT NULL,
        label_en text NOT NULL,
        required boolean NOT NULL DEFAULT false,
        position integer NOT NULL DEFAULT 0,
        options jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
        on_card boolean NOT NULL DEFAULT false,
        removed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_custom_fields_key UNIQUE (entity, key)
      )`);
    for (const table of RECORDS) {
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN custom jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom) = 'object')`,
      );
      // jsonb_path_ops serves `custom @> '{"key": value}'`, the list filter.
      await q.query(`CREATE INDEX ix_${table}_custom ON ${table} USING gin (custom jsonb_path_ops)`);
    }
    // A definition shows on every card that has the field: tell the card caches (payload 'all').
    await q.query(`
      CREATE TRIGGER tr_custom_fields_card AFTER INSERT OR UPDATE OR DELETE ON custom_fields
        FOR EACH ROW EXECUTE FUNCTION zv_card_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_custom_fields_card ON custom_fields`);
    for (const table of RECORDS) {
      await q.query(`DROP INDEX ix_${table}_custom`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN custom`);
    }
    await q.query(`DROP TABLE custom_fields`);
  }
}
