import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Global search (issue #12): partial numbers, `е` = `ё`, names, companies, e-mails and deal titles, under 50 ms at
 * 200,000 contacts.
 *
 * Each searchable table gets normalized columns the database keeps itself (generated, so no writer has to know):
 * - `search_text`: the names (and the e-mail, the INN) folded by `zv_fold`: lower case, `ё` → `е`. The Cyrillic
 *   alphabet is folded by `translate`, not only `lower()`, so the result does not depend on the database's LC_CTYPE
 *   (`lower()` leaves Cyrillic alone under the plain C locale);
 * - `digits` / `phone_digits`: the number's digits only (E.164 when parsed, else as typed), so `123-45-67`, `916`
 *   and `4567` are substrings of it.
 * Both are indexed with pg_trgm's GIN trigram index, which serves `LIKE '%…%'` for patterns of three characters or
 * more. pg_trgm is a contrib extension: Debian's PostgreSQL ships it, and PGlite loads it from its separate bundle
 * (`@electric-sql/pglite/contrib/pg_trgm`, see server/src/db/data-source.ts). It is a trusted extension, so the
 * database owner may create it without superuser rights. Shorter patterns (one or two characters) have no trigram
 * and are matched by reading the column; the global search asks for two characters at least.
 */
export class CreateSearchColumns1764001000000 implements MigrationInterface {
  name = 'CreateSearchColumns1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE FUNCTION zv_fold(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT translate(lower(s), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё', 'абвгдеежзийклмнопрстуфхцчшщъыьэюяе')
      $$`);
    const digits = (expr: string) => `regexp_replace(${expr}, '[^0-9]', '', 'g')`;
    const generated = (table: string, column: string, expr: string) =>
      q.query(`ALTER TABLE ${table} ADD COLUMN ${column} text GENERATED ALWAYS AS (${expr}) STORED`);

    await generated('contacts', 'search_text', `zv_fold(name || ' ' || coalesce(email, ''))`);
    await generated('contact_phones', 'digits', digits('coalesce(e164, raw)'));
    await generated('companies', 'search_text', `zv_fold(name || ' ' || coalesce(inn, ''))`);
    await generated('companies', 'phone_digits', digits(`coalesce(phone_e164, '')`));
    await generated('leads', 'search_text', `zv_fold(coalesce(name, ''))`);
    await generated('leads', 'phone_digits', digits(`coalesce(phone_e164, phone_raw, '')`));
    await generated('deals', 'search_text', 'zv_fold(title)');

    for (const [table, column] of SEARCH_INDEXES) {
      await q.query(`CREATE INDEX ix_${table}_${column}_trgm ON ${table} USING gin (${column} gin_trgm_ops)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of SEARCH_INDEXES) await q.query(`DROP INDEX ix_${table}_${column}_trgm`);
    for (const [table, column] of [...SEARCH_INDEXES].reverse()) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
    await q.query(`DROP FUNCTION zv_fold(text)`);
    // Left installed when something else has come to use it since.
    await q.query(`
      DO $$ BEGIN
        DROP EXTENSION IF EXISTS pg_trgm;
      EXCEPTION WHEN dependent_objects_still_exist THEN NULL;
      END $$`);
  }
}

const SEARCH_INDEXES = [
  ['contacts', 'search_text'],
  ['contact_phones', 'digits'],
  ['companies', 'search_text'],
  ['companies', 'phone_digits'],
  ['leads', 'search_text'],
  ['leads', 'phone_digits'],
  ['deals', 'search_text'],
] as const;
