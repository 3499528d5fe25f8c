import { type MigrationInterface, type QueryRunner } from 'typeorm';

const DAY = `date_bin('24 hours', x.at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/**
 * CRM rollups of analytics (issue #20): the summary's callbacks and leads per UTC day × person, so a month at 10M
 * calls sums a few thousand rows instead of counting 40,000 tasks and 27,000 leads (and hashing every deal).
 * - `analytics_callback_days`: callback tasks by the day of `due_at` × assignee: due, done in time, late, open;
 * - `analytics_lead_days`: leads by the day of `created_at` × owner: created, from calls, converted, with a deal,
 *   with a deal on a won stage now.
 *
 * Their writers are all over the CRM (tasks, leads, deals, imports, forms, the call pipeline), so the database
 * marks what changed: statement triggers on tasks, leads, deals and pipeline_stages append the days touched to
 * `analytics_crm_dirty` in the writing transaction. That is a plain insert with no unique key, so no writer ever
 * waits for another. `zv_analytics_refresh_crm()` takes the marks and recomputes those whole days from the source
 * tables; a mark committed while it runs is not seen by its delete and stays for the next refresh, so nothing is
 * lost and a refresh is idempotent. Reports read a day from the rollup only when no mark for it is pending, and the
 * marked days and the partial edge days from the source tables, so they equal the raw formula at any moment.
 */
export class CreateAnalyticsCrmDays1764004100000 implements MigrationInterface {
  name = 'CreateAnalyticsCrmDays1764004100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE analytics_callback_days (
        day timestamptz NOT NULL,
        assignee_id uuid NULL,
        due integer NOT NULL,
        in_time integer NOT NULL,
        late integer NOT NULL,
        open integer NOT NULL,
        CONSTRAINT uq_analytics_callback_days UNIQUE NULLS NOT DISTINCT (day, assignee_id)
      )`);
    await q.query(`
      CREATE TABLE analytics_lead_days (
        day timestamptz NOT NULL,
        owner_id uuid NULL,
        created integer NOT NULL,
        from_calls integer NOT NULL,
        converted integer NOT NULL,
        with_deal integer NOT NULL,
        with_won_deal integer NOT NULL,
        CONSTRAINT uq_analytics_lead_days UNIQUE NULLS NOT DISTINCT (day, owner_id)
      )`);
    await q.query(`
      CREATE TABLE analytics_crm_dirty (
        kind text NOT NULL CHECK (kind IN ('callback', 'lead')),
        day timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_analytics_crm_dirty ON analytics_crm_dirty (kind, day)`);

    await q.query(`
      CREATE FUNCTION zv_analytics_refresh_crm_days(what text, days timestamptz[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF what = 'callback' THEN
          DELETE FROM analytics_callback_days WHERE day = ANY (days);
          INSERT INTO analytics_callback_days (day, assignee_id, due, in_time, late, open)
          SELECT d.day, t.assignee_id, count(*),
            count(*) FILTER (WHERE t.done_at IS NOT NULL AND t.done_at <= t.due_at),
            count(*) FILTER (WHERE t.done_at > t.due_at), count(*) FILTER (WHERE t.done_at IS NULL)
          FROM (SELECT DISTINCT unnest(days) AS day) d
            JOIN tasks t ON t.kind = 'callback' AND t.due_at >= d.day AND t.due_at < d.day + interval '24 hours'
          GROUP BY d.day, t.assignee_id;
        ELSE
          DELETE FROM analytics_lead_days WHERE day = ANY (days);
          INSERT INTO analytics_lead_days (day, owner_id, created, from_calls, converted, with_deal, with_won_deal)
          SELECT d.day, ld.owner_id, count(*), count(*) FILTER (WHERE ld.source = 'call'),
            count(*) FILTER (WHERE ld.status = 'converted'), count(dl.id), count(*) FILTER (WHERE st.kind = 'won')
          FROM (SELECT DISTINCT unnest(days) AS day) d
            JOIN leads ld ON ld.created_at >= d.day AND ld.created_at < d.day + interval '24 hours'
            LEFT JOIN deals dl ON dl.id = ld.deal_id
            LEFT JOIN pipeline_stages st ON st.pipeline_id = dl.pipeline_id AND st.key = dl.stage
          GROUP BY d.day, ld.owner_id;
        END IF;
      END $$`);
    // Returns how many days it recomputed; 0 when another session is refreshing (its marks wait for the next one).
    await q.query(`
      CREATE FUNCTION zv_analytics_refresh_crm() RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        callback_days timestamptz[];
        lead_days timestamptz[];
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM analytics_crm_dirty) THEN RETURN 0; END IF;
        IF NOT pg_try_advisory_xact_lock(hashtext('analytics_crm_days')) THEN RETURN 0; END IF;
        WITH taken AS (DELETE FROM analytics_crm_dirty RETURNING kind, day)
        SELECT array_agg(DISTINCT day) FILTER (WHERE kind = 'callback'),
          array_agg(DISTINCT day) FILTER (WHERE kind = 'lead')
        INTO callback_days, lead_days FROM taken;
        IF callback_days IS NOT NULL THEN PERFORM zv_analytics_refresh_crm_days('callback', callback_days); END IF;
        IF lead_days IS NOT NULL THEN PERFORM zv_analytics_refresh_crm_days('lead', lead_days); END IF;
        RETURN coalesce(cardinality(callback_days), 0) + coalesce(cardinality(lead_days), 0);
      END $$`);

    // The days a statement touched, from its transition tables (x.at = the row's due_at or created_at, old or new).
    await q.query(`
      CREATE FUNCTION zv_analytics_crm_tasks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'callback', ${DAY}
            FROM (SELECT due_at AS at FROM new_rows WHERE kind = 'callback' AND due_at IS NOT NULL) x;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'callback', ${DAY}
            FROM (SELECT due_at AS at FROM old_rows WHERE kind = 'callback' AND due_at IS NOT NULL) x;
        ELSE
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'callback', ${DAY}
            FROM old_rows o JOIN new_rows n ON n.id = o.id
              CROSS JOIN LATERAL (VALUES (o.kind, o.due_at), (n.kind, n.due_at)) x(kind, at)
            WHERE (o.kind, o.due_at, o.done_at, o.assignee_id) IS DISTINCT FROM (n.kind, n.due_at, n.done_at, n.assignee_id)
              AND x.kind = 'callback' AND x.at IS NOT NULL;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION zv_analytics_crm_leads_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY} FROM (SELECT created_at AS at FROM new_rows) x;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY} FROM (SELECT created_at AS at FROM old_rows) x;
        ELSE
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY}
            FROM old_rows o JOIN new_rows n ON n.id = o.id
              CROSS JOIN LATERAL (VALUES (o.created_at), (n.created_at)) x(at)
            WHERE (o.created_at, o.source, o.status, o.deal_id, o.owner_id)
              IS DISTINCT FROM (n.created_at, n.source, n.status, n.deal_id, n.owner_id);
        END IF;
        RETURN NULL;
      END $$`);
    // A deal moved to or from a won stage changes the leads it came from (deletes set leads.deal_id null: the
    // leads trigger sees that).
    await q.query(`
      CREATE FUNCTION zv_analytics_crm_deals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY}
          FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN (SELECT deal_id, created_at AS at FROM leads WHERE deal_id IS NOT NULL) x ON x.deal_id = n.id
          WHERE (o.pipeline_id, o.stage) IS DISTINCT FROM (n.pipeline_id, n.stage);
        RETURN NULL;
      END $$`);
    // A stage whose kind changes (or that appears or goes) changes the leads of the deals on it: rare, by an admin.
    await q.query(`
      CREATE FUNCTION zv_analytics_crm_stages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY}
            FROM new_rows s JOIN deals d ON d.pipeline_id = s.pipeline_id AND d.stage = s.key
              JOIN (SELECT deal_id, created_at AS at FROM leads WHERE deal_id IS NOT NULL) x ON x.deal_id = d.id;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY}
            FROM old_rows s JOIN deals d ON d.pipeline_id = s.pipeline_id AND d.stage = s.key
              JOIN (SELECT deal_id, created_at AS at FROM leads WHERE deal_id IS NOT NULL) x ON x.deal_id = d.id;
        ELSE
          INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY}
            FROM (
              SELECT pipeline_id, key FROM old_rows
              UNION SELECT pipeline_id, key FROM new_rows
              EXCEPT SELECT o.pipeline_id, o.key FROM old_rows o
                JOIN new_rows n ON (n.pipeline_id, n.key, n.kind) = (o.pipeline_id, o.key, o.kind)
            ) s JOIN deals d ON d.pipeline_id = s.pipeline_id AND d.stage = s.key
              JOIN (SELECT deal_id, created_at AS at FROM leads WHERE deal_id IS NOT NULL) x ON x.deal_id = d.id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, fn] of [
      ['tasks', 'zv_analytics_crm_tasks_changed'],
      ['leads', 'zv_analytics_crm_leads_changed'],
      ['pipeline_stages', 'zv_analytics_crm_stages_changed'],
    ] as const) {
      await q.query(`CREATE TRIGGER tr_${table}_crm_days_ins AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER tr_${table}_crm_days_upd AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER tr_${table}_crm_days_del AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    }
    await q.query(`CREATE TRIGGER tr_deals_crm_days_upd AFTER UPDATE ON deals
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zv_analytics_crm_deals_changed()`);
    // A truncate (tests, a wiped demo) leaves nothing to count: the rollup of that table empties with it.
    await q.query(`
      CREATE FUNCTION zv_analytics_crm_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'tasks' THEN
          DELETE FROM analytics_callback_days;
          DELETE FROM analytics_crm_dirty WHERE kind = 'callback';
        ELSE
          DELETE FROM analytics_lead_days;
          DELETE FROM analytics_crm_dirty WHERE kind = 'lead';
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['tasks', 'leads']) {
      await q.query(`CREATE TRIGGER tr_${table}_crm_days_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION zv_analytics_crm_truncated()`);
    }
    // The rollups of the rows there are: every day marked, then one refresh.
    await q.query(`
      INSERT INTO analytics_crm_dirty SELECT DISTINCT 'callback', ${DAY}
      FROM (SELECT due_at AS at FROM tasks WHERE kind = 'callback' AND due_at IS NOT NULL) x`);
    await q.query(
      `INSERT INTO analytics_crm_dirty SELECT DISTINCT 'lead', ${DAY} FROM (SELECT created_at AS at FROM leads) x`,
    );
    await q.query(`SELECT zv_analytics_refresh_crm()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['tasks', 'leads', 'pipeline_stages']) {
      for (const op of ['ins', 'upd', 'del']) await q.query(`DROP TRIGGER tr_${table}_crm_days_${op} ON ${table}`);
    }
    await q.query(`DROP TRIGGER tr_deals_crm_days_upd ON deals`);
    for (const table of ['tasks', 'leads']) await q.query(`DROP TRIGGER tr_${table}_crm_days_truncate ON ${table}`);
    for (const fn of ['tasks', 'leads', 'deals', 'stages'])
      await q.query(`DROP FUNCTION zv_analytics_crm_${fn}_changed()`);
    await q.query(`DROP FUNCTION zv_analytics_crm_truncated()`);
    await q.query(`DROP FUNCTION zv_analytics_refresh_crm()`);
    await q.query(`DROP FUNCTION zv_analytics_refresh_crm_days(text, timestamptz[])`);
    await q.query(`DROP TABLE analytics_crm_dirty`);
    await q.query(`DROP TABLE analytics_lead_days`);
    await q.query(`DROP TABLE analytics_callback_days`);
  }
}
