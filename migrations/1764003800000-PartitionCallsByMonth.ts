import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Months made ahead of today by the migration (the call-data job keeps the same horizon afterwards). */
const MONTHS_AHEAD = 3;
/** Earliest month the migration makes for time-ordered ids already there (older ones stay in DEFAULT). */
const MONTHS_BACK_AT_MOST = 24;

/** What a rebuilt table must get back: everything on it that is not its columns, checks and primary key. */
interface TableShape {
  indexes: string[];
  triggers: string[];
  /** `ALTER TABLE … ADD CONSTRAINT …` of the table's own foreign keys. */
  foreignKeys: string[];
  /** The same for foreign keys of other tables that reference it (dropped before, added back after). */
  referencedBy: { table: string; name: string; add: string }[];
}

async function shapeOf(q: QueryRunner, table: string): Promise<TableShape> {
  const indexes = (await q.query(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND indexname <> $2`,
    [table, `${table}_pkey`],
  )) as { indexdef: string }[];
  const triggers = (await q.query(
    `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
    [table],
  )) as { def: string }[];
  const keys = (await q.query(
    `SELECT conrelid::regclass::text AS "table", conname AS name, pg_get_constraintdef(oid) AS def, conrelid = $1::regclass AS own
       FROM pg_constraint
      WHERE contype = 'f' AND conparentid = 0 AND (conrelid = $1::regclass OR confrelid = $1::regclass)`,
    [table],
  )) as { table: string; name: string; def: string; own: boolean }[];
  const add = (k: { table: string; name: string; def: string }) =>
    `ALTER TABLE ${k.table} ADD CONSTRAINT ${k.name} ${k.def}`;
  return {
    // A partitioned table's index reads `ON ONLY`, which would leave the rebuilt plain table's index invalid.
    indexes: indexes.map((i) => i.indexdef.replace(' ON ONLY ', ' ON ')),
    triggers: triggers.map((t) => t.def),
    foreignKeys: keys.filter((k) => k.own).map(add),
    referencedBy: keys.filter((k) => !k.own).map((k) => ({ table: k.table, name: k.name, add: add(k) })),
  };
}

/**
 * Replaces `table` with `<table>_rebuilt` (made and filled by `build`) under the same name: same columns, checks,
 * primary key name, indexes, triggers, and foreign keys in and out, so nothing that names the table changes.
 */
async function rebuild(q: QueryRunner, table: string, build: (into: string) => Promise<void>): Promise<void> {
  const shape = await shapeOf(q, table);
  const into = `${table}_rebuilt`;
  await build(into);
  for (const k of shape.referencedBy) await q.query(`ALTER TABLE ${k.table} DROP CONSTRAINT ${k.name}`);
  await q.query(`DROP TABLE ${table}`);
  await q.query(`ALTER TABLE ${into} RENAME TO ${table}`);
  await q.query(`ALTER TABLE ${table} RENAME CONSTRAINT ${into}_pkey TO ${table}_pkey`);
  for (const sql of [
    ...shape.indexes,
    ...shape.foreignKeys,
    ...shape.triggers,
    ...shape.referencedBy.map((k) => k.add),
  ])
    await q.query(sql);
  await q.query(`ANALYZE ${table}`);
}

const like = (table: string) =>
  `LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS`;
const TIME_ORDERED = (key: string) => `substr(${key}::text, 15, 1) = '7'`;

/**
 * `calls` and `call_events` partitioned by month (issue #20), by RANGE on the call id itself: call ids are
 * UUIDv7-layout (the call's start in the first 48 bits, see telephony's `timeOrderedId`), so `calls` keeps its
 * PRIMARY KEY (id), every `REFERENCES calls(id) ON DELETE CASCADE` and the pipeline's `ON CONFLICT (id)`, and
 * `call_events` keeps PRIMARY KEY (call_id, seq) on the same monthly bounds: a call and its events share a month
 * and are dropped together. Version-5 ids (calls from before) live in the DEFAULT partitions; a month's partition
 * is made in pieces around the ones whose random prefix falls in its range (`zv_partition_month`), so they stay
 * there. The tables are rebuilt in place (rows moved, names kept, indexes, triggers and foreign keys made again).
 */
export class PartitionCallsByMonth1764003800000 implements MigrationInterface {
  name = 'PartitionCallsByMonth1764003800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE calls, call_events IN ACCESS EXCLUSIVE MODE`);
    await q.query(`
      CREATE FUNCTION zv_month_id(month date) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
        SELECT (lpad(to_hex((extract(epoch FROM month::timestamp) * 1000)::bigint), 12, '0') || repeat('0', 20))::uuid
      $$`);
    await q.query(`
      CREATE FUNCTION zv_id_time(id uuid) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN substr(id::text, 15, 1) = '7' THEN to_timestamp(
          ('x' || lpad(substr(replace(id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint / 1000.0) END
      $$`);
    // The uuid right after `id` in PostgreSQL's (bytewise) order: the lower bound of the piece past a legacy id.
    await q.query(`
      CREATE FUNCTION zv_uuid_after(id uuid) RETURNS uuid LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE
        h text := replace(id::text, '-', '');
        d integer;
      BEGIN
        FOR i IN REVERSE 32..1 LOOP
          d := position(substr(h, i, 1) IN '0123456789abcdef') - 1;
          IF d < 15 THEN RETURN overlay(h PLACING to_hex(d + 1) FROM i FOR 1)::uuid; END IF;
          h := overlay(h PLACING '0' FROM i FOR 1);
        END LOOP;
        RAISE EXCEPTION 'no uuid after %', id;
      END $$`);
    // Makes the month's partition of `parent` (named <base>_pYYYYMM); idempotent (0 when it is there). Rows of the
    // month's range already in DEFAULT would make CREATE fail: legacy (version-5) ids there are stepped around (the
    // month becomes <base>_pYYYYMM, _1, _2… between them); time-ordered ones mean the month was made too late, and
    // moving them would fire the foreign keys' cascades, so that is an error for an operator to resolve.
    await q.query(`
      CREATE FUNCTION zv_partition_month(parent regclass, base text, month date) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        name text := base || '_p' || to_char(month, 'YYYYMM');
        lo uuid := zv_month_id(month);
        hi uuid := zv_month_id((month + interval '1 month')::date);
        key text;
        def regclass;
        inside uuid[] := '{}';
        timed integer;
        piece_from uuid := zv_month_id(month);
        cut uuid;
        made integer := 0;
      BEGIN
        IF month <> date_trunc('month', month)::date THEN
          RAISE EXCEPTION 'zv_partition_month: % is not the first day of a month', month;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                    WHERE i.inhparent = parent AND c.relname = name) THEN
          RETURN 0;
        END IF;
        SELECT a.attname, nullif(p.partdefid, 0)::regclass INTO key, def
          FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
         WHERE p.partrelid = parent;
        IF def IS NOT NULL THEN
          EXECUTE format('SELECT array(SELECT DISTINCT %1$I FROM %2$s WHERE %1$I >= $1 AND %1$I < $2 ORDER BY 1)',
            key, def) INTO inside USING lo, hi;
        END IF;
        SELECT count(*) INTO timed FROM unnest(inside) x WHERE substr(x::text, 15, 1) = '7';
        IF timed > 0 OR cardinality(inside) > 200 THEN
          RAISE EXCEPTION 'cannot make partition % of %: its default partition holds % call id(s) of the month, % of them time-ordered',
            name, parent, cardinality(inside), timed
            USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'time-ordered ones mean the month was not made ahead: move those calls out of the default partition';
        END IF;
        FOREACH cut IN ARRAY array_append(inside, hi) LOOP
          IF piece_from < cut THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
              CASE WHEN made = 0 THEN name ELSE name || '_' || made END, parent, piece_from, cut);
            made := made + 1;
          END IF;
          IF cut < hi THEN piece_from := zv_uuid_after(cut); END IF;
        END LOOP;
        RETURN made;
      END $$`);

    const months = (await q.query(
      `WITH t AS (SELECT now() AT TIME ZONE 'UTC' AS today)
       SELECT to_char(m, 'YYYY-MM-DD') AS month FROM t, generate_series(
         greatest(
           date_trunc('month', least(today,
             (SELECT min(zv_id_time(id)) FROM calls WHERE ${TIME_ORDERED('id')}) AT TIME ZONE 'UTC',
             (SELECT min(zv_id_time(call_id)) FROM call_events WHERE ${TIME_ORDERED('call_id')}) AT TIME ZONE 'UTC')),
           date_trunc('month', today) - interval '${MONTHS_BACK_AT_MOST} months'),
         date_trunc('month', today) + interval '${MONTHS_AHEAD} months',
         interval '1 month') AS m`,
    )) as { month: string }[];

    const partition = async (table: string, key: string, pk: string) =>
      rebuild(q, table, async (into) => {
        await q.query(`CREATE TABLE ${into} (${like(table)}, PRIMARY KEY (${pk})) PARTITION BY RANGE (${key})`);
        await q.query(`CREATE TABLE ${table}_default PARTITION OF ${into} DEFAULT`);
        // Legacy rows first, so the months are made around them and they all stay in DEFAULT.
        await q.query(`INSERT INTO ${into} SELECT * FROM ${table} WHERE NOT ${TIME_ORDERED(key)}`);
        for (const { month } of months) await q.query(`SELECT zv_partition_month($1, $2, $3)`, [into, table, month]);
        await q.query(`INSERT INTO ${into} SELECT * FROM ${table} WHERE ${TIME_ORDERED(key)}`);
      });
    await partition('calls', 'id', 'id');
    await partition('call_events', 'call_id', 'call_id, seq');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE calls, call_events IN ACCESS EXCLUSIVE MODE`);
    const plain = async (table: string, pk: string) =>
      rebuild(q, table, async (into) => {
        await q.query(`CREATE TABLE ${into} (${like(table)}, PRIMARY KEY (${pk}))`);
        await q.query(`INSERT INTO ${into} SELECT * FROM ${table}`);
      });
    await plain('call_events', 'call_id, seq');
    await plain('calls', 'id');
    await q.query(`DROP FUNCTION zv_partition_month(regclass, text, date)`);
    await q.query(`DROP FUNCTION zv_uuid_after(uuid)`);
    await q.query(`DROP FUNCTION zv_id_time(uuid)`);
    await q.query(`DROP FUNCTION zv_month_id(date)`);
  }
}
