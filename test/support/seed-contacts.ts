/**
 * A CRM of realistic size for the global search, generated inside Postgres with generate_series (no rows cross the
 * wire): `DATABASE_URL=… npx tsx test/support/seed-contacts.ts --contacts 200000`. The database must be migrated.
 * Re-running with the same or a smaller size does nothing (a marker table remembers), so a bench can reuse it.
 *
 * What it makes:
 * - 50 operators `search-op-NN` (password `zvonok`), owning the records round-robin;
 * - `contacts` people with Russian names (surnames with ё among them: Ёлкина, Королёв, Семёнова…), half with a
 *   latin e-mail, half at one of the companies; each with a mobile `+79XX XXX-XX-XX` (typed `8 (9XX) XXX-XX-XX`),
 *   and 30 % with a second, Moscow landline `+7495…`/`+7499…`;
 * - companies (contacts ÷ 10), deals (contacts ÷ 4, titled by kind of work), leads (contacts ÷ 10, each with a
 *   mobile) and calls (one per contact, from its mobile, handled by a random operator: what makes another
 *   operator's client visible to an operator).
 */
import { pathToFileURL } from 'node:url';

import pg from 'pg';

import { hashPassword } from '@server/modules/users/users.service';

export interface SeedContactsOptions {
  contacts: number;
  log?: (message: string) => void;
}

export interface SeedContactsResult {
  contacts: number;
  seededNow: boolean;
  seconds: number;
}

const TABLES = ['contacts', 'contact_phones', 'companies', 'deals', 'leads', 'calls'];

export async function seedContacts(databaseUrl: string, options: SeedContactsOptions): Promise<SeedContactsResult> {
  const log = options.log ?? ((m: string) => console.log(`[seed-contacts] ${m}`));
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS zv_seed_contacts (contacts integer NOT NULL,
      seeded_at timestamptz NOT NULL)`);
    const done = await client.query<{ contacts: number }>(
      `SELECT contacts FROM zv_seed_contacts ORDER BY seeded_at DESC`,
    );
    const already = done.rows[0]?.contacts ?? 0;
    if (already >= options.contacts) {
      log(`already seeded with ${already} contacts: reusing`);
      return { contacts: already, seededNow: false, seconds: 0 };
    }
    if (already > 0) throw new Error(`seeded with ${already} contacts before; use a fresh database`);

    const passwordHash = await hashPassword('zvonok');
    await client.query('BEGIN');
    // The card-cache triggers would queue a notification per row; a seed tells no screen anything.
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(
      `INSERT INTO users (login, password_hash, name, role, locale)
       SELECT 'search-op-' || lpad(i::text, 2, '0'), $1, 'Оператор поиска ' || i, 'operator', 'ru'
       FROM generate_series(1, 50) i ON CONFLICT (login) DO NOTHING`,
      [passwordHash],
    );
    // Secondary indexes are built once afterwards when the tables start empty (several times faster than row by
    // row, GIN above all); primary keys and constraints stay.
    const empty = await client.query(`SELECT NOT EXISTS (SELECT 1 FROM contacts) AS e`);
    const deferred: { indexname: string; indexdef: string }[] = empty.rows[0]?.e
      ? (
          await client.query<{ indexname: string; indexdef: string }>(
            `SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
            [TABLES],
          )
        ).rows
      : [];
    for (const ix of deferred) await client.query(`DROP INDEX ${ix.indexname}`);
    const n = options.contacts;
    await client.query(COMPANIES_SQL, [Math.ceil(n / 10)]);
    log('companies');
    await client.query(CONTACTS_SQL, [n]);
    log(`${n.toLocaleString('en-US')} contacts and their numbers`);
    await client.query(DEALS_SQL, [Math.ceil(n / 4)]);
    await client.query(LEADS_SQL, [Math.ceil(n / 10)]);
    await client.query(CALLS_SQL);
    log('deals, leads, calls');
    if (deferred.length) log(`building ${deferred.length} indexes`);
    for (const ix of deferred) await client.query(ix.indexdef);
    await client.query(`INSERT INTO zv_seed_contacts VALUES ($1, now())`, [n]);
    await client.query('COMMIT');
    for (const table of [...TABLES, 'users']) await client.query(`VACUUM ANALYZE ${table}`);
    const seconds = (Date.now() - started) / 1000;
    log(`seeded in ${seconds.toFixed(1)} s`);
    return { contacts: n, seededNow: true, seconds };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

const pick = (values: readonly string[]) =>
  `(ARRAY[${values.map((v) => `'${v}'`).join(', ')}])[1 + floor(random() * ${values.length})::int]`;

const SURNAMES = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семёнов',
  'Егоров',
  'Павлов',
  'Козлов',
  'Степанов',
  'Николаев',
  'Орлов',
  'Андреев',
  'Макаров',
  'Никитин',
  'Захаров',
  'Зайцев',
  'Соловьёв',
  'Борисов',
  'Яковлев',
  'Григорьев',
  'Романов',
  'Воробьёв',
  'Сергеев',
  'Кузьмин',
  'Фролов',
  'Александров',
  'Дмитриев',
  'Королёв',
  'Гусев',
  'Киселёв',
  'Ёлкин',
  'Ильин',
  'Максимов',
  'Поляков',
  'Сорокин',
  'Виноградов',
  'Ковалёв',
  'Белов',
  'Медведев',
  'Антонов',
];
// prettier-ignore
const FIRST = [
  ['Анна', 'anna', 'а'], ['Алёна', 'alena', 'а'], ['Мария', 'maria', 'а'], ['Елена', 'elena', 'а'],
  ['Ольга', 'olga', 'а'], ['Татьяна', 'tatiana', 'а'], ['Наталья', 'natalia', 'а'], ['Ксения', 'ksenia', 'а'],
  ['Пётр', 'petr', ''], ['Фёдор', 'fedor', ''], ['Семён', 'semen', ''], ['Артём', 'artem', ''],
  ['Иван', 'ivan', ''], ['Алексей', 'alexey', ''], ['Дмитрий', 'dmitry', ''], ['Сергей', 'sergey', ''],
];
const COMPANY_WORDS = ['Ромашка', 'Вектор', 'Альфа', 'Стройсервис', 'Техноком', 'Север', 'Ёлочка', 'Меридиан'];
const DEAL_WORDS = ['Поставка', 'Монтаж', 'Аренда', 'Обслуживание', 'Ремонт', 'Консультация', 'Доставка ёлок'];

const COMPANIES_SQL = `
  INSERT INTO companies (name, inn, owner_id)
  SELECT 'ООО «' || ${pick(COMPANY_WORDS)} || ' ' || i || '»', lpad((7700000000 + i)::text, 10, '0'),
    ops.ids[1 + i % cardinality(ops.ids)]
  FROM generate_series(1, $1::int) i, (SELECT array_agg(id) AS ids FROM users WHERE login LIKE 'search-op-%') ops`;

/** One row per contact: name, e-mail, company, owner and numbers drawn here, then written to both tables. */
const CONTACTS_SQL = `
  WITH ops AS (SELECT array_agg(id) AS ids FROM users WHERE login LIKE 'search-op-%'),
  cos AS (SELECT array_agg(id) AS ids FROM companies),
  g AS MATERIALIZED (
    SELECT i, gen_random_uuid() AS id, 1 + floor(random() * ${FIRST.length})::int AS f,
      ${pick(SURNAMES)} AS surname, random() AS r_mail, random() AS r_co, random() AS r_second,
      '9' || lpad(floor(random() * 100)::text, 2, '0') AS code, lpad(floor(random() * 10000000)::text, 7, '0') AS num,
      ${pick(['495', '499'])} AS land_code, lpad(floor(random() * 10000000)::text, 7, '0') AS land
    FROM generate_series(1, $1::int) i
  ), people AS MATERIALIZED (
    SELECT g.*, (ARRAY[${FIRST.map(([ru]) => `'${ru}'`).join(', ')}])[f] AS first,
      (ARRAY[${FIRST.map(([, lat]) => `'${lat}'`).join(', ')}])[f] AS latin,
      (ARRAY[${FIRST.map(([, , end]) => `'${end}'`).join(', ')}])[f] AS ending
    FROM g
  ), c AS (
    INSERT INTO contacts (id, name, email, company_id, owner_id, created_at)
    SELECT p.id, p.surname || p.ending || ' ' || p.first,
      CASE WHEN p.r_mail < 0.5 THEN p.latin || '.' || p.i || '@example.ru' END,
      CASE WHEN p.r_co < 0.5 THEN cos.ids[1 + p.i % cardinality(cos.ids)] END,
      ops.ids[1 + p.i % cardinality(ops.ids)], now() - make_interval(secs => p.i)
    FROM people p, ops, cos
    RETURNING 1
  ), mobile AS (
    INSERT INTO contact_phones (contact_id, raw, e164, last10, label, position)
    SELECT p.id, '8 (' || p.code || ') ' || substr(p.num, 1, 3) || '-' || substr(p.num, 4, 2) || '-' || substr(p.num, 6),
      '+7' || p.code || p.num, p.code || p.num, 'mobile', 0
    FROM people p
    RETURNING 1
  )
  INSERT INTO contact_phones (contact_id, raw, e164, last10, label, position)
  SELECT p.id, '+7 ' || p.land_code || ' ' || p.land, '+7' || p.land_code || p.land, p.land_code || p.land, 'work', 1
  FROM people p WHERE p.r_second < 0.3`;

const DEALS_SQL = `
  INSERT INTO deals (title, stage, amount, owner_id, contact_id)
  SELECT ${pick(DEAL_WORDS)} || ' №' || i, ${pick(['new', 'qualification', 'proposal', 'negotiation', 'won', 'lost'])},
    round((random() * 500000)::numeric, 2), c.owner_id, c.id
  FROM generate_series(1, $1::int) i
  JOIN (SELECT id, owner_id, row_number() OVER () AS k FROM contacts) c
    ON c.k = 1 + (i::bigint * 7919) % (SELECT count(*) FROM contacts)`;

const LEADS_SQL = `
  INSERT INTO leads (source, status, name, phone_raw, phone_e164, owner_id)
  SELECT 'call', ${pick(['new', 'in_progress', 'qualified', 'converted', 'junk'])}, 'Лид ' || i, e164, e164,
    ops.ids[1 + i % cardinality(ops.ids)]
  FROM (SELECT i, '+79' || lpad(floor(random() * 100)::text, 2, '0') || lpad(floor(random() * 10000000)::text, 7, '0')
          AS e164 FROM generate_series(1, $1::int) i) s,
    (SELECT array_agg(id) AS ids FROM users WHERE login LIKE 'search-op-%') ops
  ON CONFLICT DO NOTHING`;

const CALLS_SQL = `
  INSERT INTO calls (id, source, direction, from_raw, from_e164, to_raw, status, started_at, ended_at,
    operator_id, contact_id, disposition)
  SELECT gen_random_uuid(), 'ami', 'inbound', p.raw, p.e164, '7000', 'ended', now() - interval '1 day',
    now() - interval '1 day' + interval '3 minutes', ops.ids[1 + floor(random() * cardinality(ops.ids))::int],
    p.contact_id, 'answered'
  FROM contact_phones p, (SELECT array_agg(id) AS ids FROM users WHERE login LIKE 'search-op-%') ops
  WHERE p.position = 0`;

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (a migrated Postgres database)');
  const i = process.argv.indexOf('--contacts');
  const contacts = i === -1 ? 200_000 : Number(process.argv[i + 1]);
  if (!Number.isInteger(contacts) || contacts <= 0) throw new Error('--contacts needs a positive integer');
  await seedContacts(url, { contacts });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
