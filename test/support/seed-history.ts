/**
 * Realistic call-center history for analytics at scale, generated inside Postgres with generate_series (no rows
 * cross the wire): `DATABASE_URL=… npx tsx test/support/seed-history.ts --calls 1000000 [--operators 100]
 * [--days 365]`; counts may be written `10M` or `250k` (10M calls: about 10× the time and disk of 1M, ~4 GB with
 * indexes; tests never seed that much). Afterwards run `npm run analytics:rebuild`: the seed writes past the
 * pipeline, so the analytics rollups do not know its calls. The database must be migrated. Re-running with the same
 * or a smaller size does nothing (a marker table remembers what was seeded), so a bench can reuse a seeded database.
 *
 * What it makes, all in the last `days` days before today (Europe/Moscow):
 * - `operators` users `seed-op-NNN` (password `zvonok`, extensions 30001…), role operator;
 * - inbound calls: working-hours peak (08–20 h, triangular around 14 h) plus 5 % at any hour, weekends at 40 %
 *   of a weekday; 86 % answered (wait ~ exp, mean 14 s), 5 % missed (30–60 s), 9 % abandoned (wait ~ exp,
 *   mean 35 s, so some are short abandons); talk 20 s + exp(mean 200 s); 20 % of answered calls with hold;
 *   queues support 57 % / sales 30 % / billing 10 % / direct 3 %; 5 % of answered calls transferred once;
 *   their call_handlers rows are written directly (the seed writes no call_events);
 * - leads (calls ÷ 30), won/lost/open deals (calls ÷ 100, each the deal of a converted lead), callback tasks
 *   (calls ÷ 20: 70 % done in time, 15 % late, 15 % open) and, when the agents module's table exists, a
 *   synthetic agent state history (per operator and weekday: on-call, wrap-up, break, available blocks between
 *   09 and 18 h — volume, not fidelity).
 */
import { pathToFileURL } from 'node:url';

import pg from 'pg';

import { hashPassword } from '@server/modules/users/users.service';

export interface SeedOptions {
  calls: number;
  operators?: number;
  days?: number;
  log?: (message: string) => void;
}

export interface SeedResult {
  calls: number;
  seededNow: boolean;
  seconds: number;
}

const BATCH = 100_000;

export async function seedHistory(databaseUrl: string, options: SeedOptions): Promise<SeedResult> {
  const operators = options.operators ?? 100;
  const days = options.days ?? 365;
  const log = options.log ?? ((m: string) => console.log(`[seed-history] ${m}`));
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS zv_seed_history (
      calls integer NOT NULL, operators integer NOT NULL, days integer NOT NULL, seeded_at timestamptz NOT NULL)`);
    const done = await client.query<{ calls: number }>(`SELECT calls FROM zv_seed_history ORDER BY seeded_at DESC`);
    const already = done.rows[0]?.calls ?? 0;
    if (already >= options.calls) {
      log(`already seeded with ${already} calls: reusing`);
      return { calls: already, seededNow: false, seconds: 0 };
    }
    if (already > 0) throw new Error(`seeded with ${already} calls before; use a fresh database for ${options.calls}`);

    const passwordHash = await hashPassword('zvonok');
    // One transaction: a failed seed leaves neither half the rows nor dropped indexes behind.
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO users (login, password_hash, name, role, extension, locale)
       SELECT 'seed-op-' || lpad(i::text, 3, '0'), $1, 'Оператор ' || i, 'operator', (30000 + i)::text, 'ru'
       FROM generate_series(1, $2::int) i
       ON CONFLICT (login) DO NOTHING`,
      [passwordHash, operators],
    );

    // Into empty tables, building the secondary indexes once afterwards is several times faster than keeping
    // them up to date row by row; primary keys stay (they are constraints).
    const empty = await client.query(
      `SELECT NOT EXISTS (SELECT 1 FROM calls) AND NOT EXISTS (SELECT 1 FROM call_handlers) AS e`,
    );
    const deferred: { indexname: string; indexdef: string }[] = empty.rows[0]?.e
      ? (
          await client.query<{ indexname: string; indexdef: string }>(
            `SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.schemaname = current_schema() AND i.tablename IN ('calls', 'call_handlers')
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
          )
        ).rows
      : [];
    for (const ix of deferred) await client.query(`DROP INDEX ${ix.indexname}`);
    // The month partitions a deployment running for `days` would have made (the call-data job makes them ahead).
    await client.query(
      `SELECT zv_partition_month(t::regclass, t, m::date) FROM unnest(ARRAY['calls', 'call_events']) t,
         generate_series(date_trunc('month', now() - make_interval(days => $1 + 1)), date_trunc('month', now()),
           interval '1 month') m`,
      [days],
    );
    for (let from = 1; from <= options.calls; from += BATCH) {
      const to = Math.min(options.calls, from + BATCH - 1);
      await client.query(CALLS_SQL, [from, to, days]);
      log(`calls ${to.toLocaleString('en-US')} / ${options.calls.toLocaleString('en-US')}`);
    }
    if (deferred.length) log(`rebuilding ${deferred.length} indexes`);
    // A partitioned table's index is defined `ON ONLY` the parent (pg_indexes): as it stands it would be an invalid
    // index on the parent alone, with none on the month partitions. Without ONLY it is built on every partition.
    for (const ix of deferred) await client.query(ix.indexdef.replace(' ON ONLY ', ' ON '));
    await client.query(LEADS_SQL, [Math.ceil(options.calls / 30), days]);
    await client.query(DEALS_SQL, [Math.ceil(options.calls / 100), days]);
    await client.query(LEAD_DEALS_SQL);
    await client.query(CALLBACKS_SQL, [Math.ceil(options.calls / 20), days]);
    const history = await client.query<{ t: string | null }>(`SELECT to_regclass('agent_state_history')::text AS t`);
    if (history.rows[0]?.t) await client.query(STATE_HISTORY_SQL, [days]);
    await client.query(`INSERT INTO zv_seed_history VALUES ($1, $2, $3, now())`, [options.calls, operators, days]);
    await client.query('COMMIT');
    log('vacuum analyze (visibility map for index-only scans, planner statistics)');
    for (const table of ['calls', 'call_handlers', 'leads', 'deals', 'tasks', 'users'])
      await client.query(`VACUUM ANALYZE ${table}`);
    if (history.rows[0]?.t) await client.query(`VACUUM ANALYZE agent_state_history`);
    const seconds = (Date.now() - started) / 1000;
    log(`seeded ${options.calls.toLocaleString('en-US')} calls in ${seconds.toFixed(1)} s`);
    return { calls: options.calls, seededNow: true, seconds };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

// Moscow midnight today, minus a day offset: every seeded instant is in the past.
const DAY_START = `(date_trunc('day', now() AT TIME ZONE 'Europe/Moscow') - make_interval(days => d.day_back))`;

/** $1..$2: call numbers of this batch, $3: days of history. */
const CALLS_SQL = `
  WITH ops AS (
    SELECT array_agg(id ORDER BY extension) AS ids, array_agg(extension ORDER BY extension) AS exts, count(*) AS n
    FROM users WHERE login LIKE 'seed-op-%'
  ), r AS MATERIALIZED (
    SELECT g, random() AS r_day, random() AS r_wk, random() AS r_h1, random() AS r_h2, random() AS r_night,
      random() AS r_disp, random() AS r_wait, random() AS r_talk, random() AS r_hold, random() AS r_queue,
      random() AS r_op, random() AS r_xfer, random() AS r_op2
    FROM generate_series($1::int, $2::int) g
  ), d0 AS (
    SELECT r.*, 1 + floor(r_day * $3::int)::int AS day_back0 FROM r
  ), d AS (
    -- Weekend days keep 40 % of their calls; the rest move two days back (to Thursday/Friday).
    SELECT d0.*, CASE
      WHEN extract(isodow FROM date_trunc('day', now() AT TIME ZONE 'Europe/Moscow')
             - make_interval(days => day_back0)) IN (6, 7) AND r_wk < 0.6
      THEN least(day_back0 + 2, $3::int) ELSE day_back0 END AS day_back
    FROM d0
  ), gen AS MATERIALIZED (
    SELECT g, gen_random_uuid() AS rid,
      (${DAY_START} + make_interval(secs => CASE WHEN r_night < 0.05 THEN r_h1 * 86400
         ELSE (8 + 6 * (r_h1 + r_h2)) * 3600 END)) AT TIME ZONE 'Europe/Moscow' AS started_at,
      CASE WHEN r_disp < 0.86 THEN 'answered' WHEN r_disp < 0.91 THEN 'missed' ELSE 'abandoned' END AS disp,
      CASE WHEN r_queue < 0.03 THEN NULL WHEN r_queue < 0.60 THEN 'support' WHEN r_queue < 0.90 THEN 'sales'
        ELSE 'billing' END AS queue,
      r_wait, r_talk, r_hold, r_xfer,
      1 + floor(r_op * ops.n)::int AS op1, 1 + floor(r_op2 * ops.n)::int AS op2, ops.ids, ops.exts
    FROM d, ops
  ), calc AS MATERIALIZED (
    -- Time-ordered ids (UUIDv7 layout, as the adapters make them), so each call lands in its month's partition.
    SELECT gen.*,
      (lpad(to_hex(floor(extract(epoch FROM started_at) * 1000)::bigint), 12, '0') || '7'
        || substr(replace(rid::text, '-', ''), 14, 3) || '8' || substr(replace(rid::text, '-', ''), 18, 15))::uuid AS id,
      CASE disp WHEN 'answered' THEN least(floor(-ln(1 - r_wait) * 14), 300)
        WHEN 'missed' THEN 30 + floor(r_wait * 30) ELSE least(floor(-ln(1 - r_wait) * 35), 600) END::int AS wait,
      CASE disp WHEN 'answered' THEN 20 + least(floor(-ln(1 - r_talk) * 200), 3600) ELSE 0 END::int AS talk,
      disp = 'answered' AND r_xfer < 0.05 AS xfer
    FROM gen
  ), c AS (
    INSERT INTO calls (id, linkedid, source, direction, from_raw, from_e164, to_raw, to_e164, queue, operator_id,
      agent_extension, status, started_at, answered_at, ended_at, wait_seconds, talk_seconds, hold_seconds,
      disposition, hangup_cause, last_seq)
    SELECT id, 'seed-' || g, 'ami', 'inbound', '8916' || lpad((g::bigint * 7919 % 3000000)::text, 7, '0'),
      '+7916' || lpad((g::bigint * 7919 % 3000000)::text, 7, '0'), '7000', NULL, queue,
      CASE WHEN disp = 'answered' THEN ids[CASE WHEN xfer THEN op2 ELSE op1 END] END,
      CASE WHEN disp = 'answered' THEN exts[CASE WHEN xfer THEN op2 ELSE op1 END] END,
      'ended', started_at,
      CASE WHEN disp = 'answered' THEN started_at + make_interval(secs => wait) END,
      started_at + make_interval(secs => wait + talk), wait, talk,
      CASE WHEN disp = 'answered' AND r_hold < 0.2 THEN least(floor(r_hold * 300)::int, talk) ELSE 0 END,
      disp, CASE disp WHEN 'answered' THEN 'normal-clearing' WHEN 'missed' THEN 'no-answer' ELSE 'cancel' END,
      CASE WHEN xfer THEN 5 ELSE 4 END
    FROM calc
    RETURNING 1
  ), h1 AS (
    INSERT INTO call_handlers (call_id, seq, kind, extension, user_id, at)
    SELECT id, 3, 'answered', exts[op1], ids[op1], started_at + make_interval(secs => wait)
    FROM calc WHERE disp = 'answered'
    RETURNING 1
  )
  INSERT INTO call_handlers (call_id, seq, kind, extension, user_id, at)
  SELECT id, 4, 'transferred', exts[op2], ids[op2], started_at + make_interval(secs => wait + talk / 2)
  FROM calc WHERE xfer`;

const LEADS_SQL = `
  INSERT INTO leads (source, status, name, created_at)
  SELECT (ARRAY['call', 'call', 'call', 'call', 'call', 'web', 'web', 'manual', 'manual', 'import'])[1 + floor(random() * 10)::int],
    (ARRAY['new', 'in_progress', 'qualified', 'converted', 'converted', 'junk', 'new', 'in_progress', 'new', 'new'])[1 + floor(random() * 10)::int],
    'Лид ' || i, now() - make_interval(secs => random() * $2::int * 86400)
  FROM generate_series(1, $1::int) i`;

const DEALS_SQL = `
  INSERT INTO deals (title, stage, amount, currency, created_at, closed_at)
  SELECT 'Сделка ' || i, stage, round((-ln(1 - random()) * 50000)::numeric, 2), 'RUB', created,
    CASE WHEN stage IN ('won', 'lost') THEN least(created + make_interval(secs => random() * 30 * 86400), now()) END
  FROM (
    SELECT i, now() - make_interval(secs => random() * $2::int * 86400) AS created,
      (ARRAY['won', 'won', 'won', 'won', 'lost', 'lost', 'new', 'qualification', 'proposal', 'negotiation'])[1 + floor(random() * 10)::int] AS stage
    FROM generate_series(1, $1::int) i
  ) s`;

/** Converted leads made the deals, one each while deals last (the summary's lead → deal → won figures). */
const LEAD_DEALS_SQL = `
  UPDATE leads SET deal_id = d.id
  FROM (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM leads WHERE status = 'converted') l
    JOIN (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM deals) d ON d.n = l.n
  WHERE leads.id = l.id`;

const CALLBACKS_SQL = `
  INSERT INTO tasks (title, kind, due_at, done_at, assignee_id)
  SELECT 'Перезвонить ' || i, 'callback', due,
    CASE WHEN r < 0.70 THEN due - make_interval(secs => random() * 7200)
      WHEN r < 0.85 THEN due + make_interval(secs => random() * 86400) END,
    ops.ids[1 + floor(random() * cardinality(ops.ids))::int]
  FROM (
    SELECT i, random() AS r, now() - make_interval(secs => random() * $2::int * 86400) AS due
    FROM generate_series(1, $1::int) i
  ) s, (SELECT array_agg(id) AS ids FROM users WHERE login LIKE 'seed-op-%') ops`;

const STATE_HISTORY_SQL = `
  INSERT INTO agent_state_history (user_id, state, started_at, ended_at)
  SELECT u.id, b.state, b.s, b.e
  FROM users u
  CROSS JOIN generate_series(1, $1::int) AS day_back
  CROSS JOIN LATERAL (
    SELECT (date_trunc('day', now() AT TIME ZONE 'Europe/Moscow') - make_interval(days => day_back) + interval '9 hours')
      AT TIME ZONE 'Europe/Moscow' AS shift, (3 + 3 * random()) * 3600 AS busy, 1800 + 1800 * random() AS wrap
  ) x
  CROSS JOIN LATERAL (VALUES
    ('on-call', x.shift, x.shift + make_interval(secs => x.busy)),
    ('wrap-up', x.shift + make_interval(secs => x.busy), x.shift + make_interval(secs => x.busy + x.wrap)),
    ('break', x.shift + make_interval(secs => x.busy + x.wrap), x.shift + make_interval(secs => x.busy + x.wrap + 3600)),
    ('available', x.shift + make_interval(secs => x.busy + x.wrap + 3600), x.shift + interval '9 hours')
  ) AS b(state, s, e)
  WHERE u.login LIKE 'seed-op-%' AND extract(isodow FROM x.shift AT TIME ZONE 'Europe/Moscow') < 6`;

/** A count as typed: `10000000`, `10M`, `250k` (so `--calls 10M` reads as it is said). */
export function parseCount(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const n = m ? Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2]!.toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} needs a positive whole count (e.g. 1000000, 10M)`);
  return n;
}

function argValue(argv: readonly string[], name: string): number | undefined {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : parseCount(argv[i + 1] ?? '', `--${name}`);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (a migrated Postgres database)');
  const argv = process.argv.slice(2);
  await seedHistory(url, {
    calls: argValue(argv, 'calls') ?? 1_000_000,
    operators: argValue(argv, 'operators'),
    days: argValue(argv, 'days'),
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
