import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';

import { type TimelineQuery } from '@contracts/dto/timeline';
import { type UserDto } from '@contracts/dto/user';
import { createDatabase } from '@server/db/data-source';
import { CallsRepository } from '@server/modules/calls/calls.repository';
import { TimelineReadModel } from '@server/modules/timeline/timeline.read-model';
import { TimelineService } from '@server/modules/timeline/timeline.service';
import { type Figure, percentile } from '@test/bench/figure';

/**
 * The client timeline (issue #12: under 50 ms for a client with 5,000 calls). One client with 5,000 calls over two
 * years (by contact link and by number, inbound and outbound, recordings, wrap-ups and reviews on some), 60 notes,
 * 40 tasks, 10 deals with 4 stages each, 2 leads and 20 owner changes, among 100,000 calls of 2,000 other clients.
 * Each figure is the p95 of RUNS requests through TimelineService (the code `GET /api/timeline` runs), after a
 * warm-up, interleaved with the baseline measured in the same run: the first page of the call log for the same
 * client's number (`CallsRepository.list`, the history a user had before the timeline).
 */
const CLIENT_CALLS = 5_000;
const OTHER_CALLS = 100_000;
const RUNS = 200;
const PAGE = 30;

interface Seeded {
  contactId: string;
  phone: string;
  supervisor: UserDto;
  operator: UserDto;
  /** Calls of the client the operator handled. */
  operatorCalls: number;
  userIds: string[];
}

const user = (id: string, role: UserDto['role']): UserDto => ({
  id,
  login: id,
  name: id,
  role,
  extension: null,
  locale: 'ru',
  teamId: null,
});

async function seed(db: DataSource): Promise<Seeded> {
  const tag = randomUUID().slice(0, 8);
  const phone = `+7916${String(Date.now()).slice(-7)}`;
  const ids = (await db.query(
    `INSERT INTO users (login, password_hash, name, role)
     SELECT 'tl-' || $1 || '-' || g, 'x', 'Оператор ' || g, CASE WHEN g = 0 THEN 'supervisor' ELSE 'operator' END
     FROM generate_series(0, 20) g RETURNING id`,
    [tag],
  )) as { id: string }[];
  const userIds = ids.map((r) => r.id);
  const [sup, op, ...others] = userIds as [string, string, ...string[]];
  const [{ id: contactId }] = (await db.query(`INSERT INTO contacts (name, owner_id) VALUES ($1, $2) RETURNING id`, [
    `Клиент ${tag}`,
    op,
  ])) as [{ id: string }];
  await db.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
    contactId,
    phone,
    phone.slice(-10),
  ]);
  // The client: every 5th call handled by the operator, the rest by colleagues; every 4th linked by number only
  // (before the contact existed), every 7th outbound; a third recorded, every 10th wrapped up, every 50th reviewed.
  await db.query(
    `INSERT INTO calls (id, source, direction, from_raw, from_e164, to_raw, to_e164, queue, status, started_at,
       answered_at, ended_at, wait_seconds, talk_seconds, disposition, operator_id, contact_id,
       wrap_up_outcome, wrap_up_note, wrap_up_by, wrap_up_at)
     SELECT gen_random_uuid(), 'ami', CASE WHEN g % 7 = 0 THEN 'outbound' ELSE 'inbound' END,
       CASE WHEN g % 7 = 0 THEN '1001' ELSE $2 END, CASE WHEN g % 7 = 0 THEN NULL ELSE $2 END,
       CASE WHEN g % 7 = 0 THEN $2 ELSE '7000' END, CASE WHEN g % 7 = 0 THEN $2 ELSE NULL END,
       'support', 'ended', t, t + interval '5 s', t + interval '3 min', 5, 175, 'answered',
       CASE WHEN g % 5 = 0 THEN $3::uuid ELSE ($4::uuid[])[1 + g % 19] END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE $1::uuid END,
       CASE WHEN g % 10 = 0 THEN 'resolved' END, CASE WHEN g % 10 = 0 THEN 'Всё решили' END,
       CASE WHEN g % 10 = 0 THEN $3::uuid END, CASE WHEN g % 10 = 0 THEN t + interval '4 min' END
     FROM generate_series(1, $5) g, LATERAL (SELECT now() - (g * interval '3 hours 30 min') AS t) s`,
    [contactId, phone, op, others, CLIENT_CALLS],
  );
  // Everyone else: 2,000 other numbers.
  await db.query(
    `INSERT INTO calls (id, source, direction, from_raw, from_e164, to_raw, queue, status, started_at, ended_at,
       wait_seconds, talk_seconds, disposition, operator_id)
     SELECT gen_random_uuid(), 'ami', 'inbound', '+7903' || lpad((g % 2000)::text, 7, '0'),
       '+7903' || lpad((g % 2000)::text, 7, '0'), '7000', 'support', 'ended', now() - g * interval '10 min',
       now() - g * interval '10 min' + interval '2 min', 5, 100, 'answered', ($1::uuid[])[1 + g % 19]
     FROM generate_series(1, $2) g`,
    [others, OTHER_CALLS],
  );
  await db.query(
    `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime)
     SELECT c.id, 'bench/' || c.id || '.ogg', 1000, repeat('0', 64), 'audio/ogg'
     FROM calls c WHERE (c.contact_id = $1 OR c.from_e164 = $2 OR c.to_e164 = $2) AND random() < 0.33`,
    [contactId, phone],
  );
  await db.query(
    `INSERT INTO call_reviews (call_id, reviewer_id, score, script_followed)
     SELECT c.id, $3, 1 + (abs(hashtext(c.id::text)) % 5), true
     FROM calls c WHERE (c.contact_id = $1 OR c.from_e164 = $2) AND random() < 0.02`,
    [contactId, phone, sup],
  );
  await db.query(
    `INSERT INTO notes (body, author_id, entity_type, entity_id, created_at)
     SELECT 'Заметка ' || g, $2, 'contact', $1, now() - g * interval '11 days' FROM generate_series(1, 60) g`,
    [contactId, op],
  );
  const deals = (await db.query(
    `INSERT INTO deals (title, stage, amount, owner_id, contact_id, created_at)
     SELECT 'Сделка ' || g, 'won', 1000 * g, $2, $1, now() - g * interval '60 days' FROM generate_series(1, 10) g
     RETURNING id, created_at`,
    [contactId, op],
  )) as { id: string }[];
  await db.query(
    `INSERT INTO deal_stage_history (deal_id, from_pipeline_id, from_stage, to_pipeline_id, to_stage, changed_by,
       changed_at)
     SELECT d.id, CASE WHEN s.from_stage IS NOT NULL THEN d.pipeline_id END, s.from_stage, d.pipeline_id, s.to_stage,
       $2, d.created_at + s.n * interval '3 days'
     FROM deals d, (VALUES (0, NULL, 'new'), (1, 'new', 'proposal'), (2, 'proposal', 'negotiation'),
       (3, 'negotiation', 'won')) s(n, from_stage, to_stage)
     WHERE d.id = ANY($1)`,
    [deals.map((d) => d.id), op],
  );
  await db.query(
    `INSERT INTO tasks (title, kind, due_at, done_at, assignee_id, created_by_id, entity_type, entity_id, created_at)
     SELECT 'Задача ' || g, 'todo', now() - g * interval '17 days', CASE WHEN g % 2 = 0 THEN now() - g * interval '16 days' END,
       $2, $2, 'contact', $1, now() - g * interval '18 days'
     FROM generate_series(1, 40) g`,
    [contactId, op],
  );
  await db.query(
    `INSERT INTO leads (source, status, name, phone_raw, phone_e164, owner_id, contact_id, created_at)
     SELECT 'call', 'converted', 'Лид ' || g, $2, $2, $3, $1, now() - g * interval '300 days'
     FROM generate_series(1, 2) g`,
    [contactId, phone, op],
  );
  await db.query(
    `INSERT INTO audit_log (actor_id, action, entity, entity_id, details, at)
     SELECT $2, 'contact.reassign', 'contact', $1, jsonb_build_object('from', $3::text, 'to', $4::text),
       now() - g * interval '30 days'
     FROM generate_series(1, 20) g`,
    [contactId, sup, op, others[0]],
  );
  await db.query('ANALYZE');
  return {
    contactId,
    phone,
    supervisor: user(sup, 'supervisor'),
    operator: user(op, 'operator'),
    operatorCalls: CLIENT_CALLS / 5,
    userIds,
  };
}

async function cleanup(db: DataSource, s: Seeded): Promise<void> {
  await db.query('DELETE FROM calls WHERE operator_id = ANY($1) OR contact_id = $2', [s.userIds, s.contactId]);
  await db.query('DELETE FROM audit_log WHERE entity_id = $1', [s.contactId]);
  await db.query('DELETE FROM tasks WHERE created_by_id = ANY($1)', [s.userIds]);
  await db.query('DELETE FROM deals WHERE owner_id = ANY($1)', [s.userIds]);
  await db.query('DELETE FROM leads WHERE owner_id = ANY($1)', [s.userIds]);
  await db.query('DELETE FROM notes WHERE author_id = ANY($1)', [s.userIds]);
  await db.query('DELETE FROM contacts WHERE id = $1', [s.contactId]);
  await db.query('DELETE FROM users WHERE id = ANY($1)', [s.userIds]);
}

/** p95 and p50 of `fn` and of `baseline`, RUNS each, interleaved so both share whatever else loads the cores. */
async function measure(fn: () => Promise<unknown>, baseline: () => Promise<unknown>) {
  await fn();
  await baseline();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    await fn();
    a.push(performance.now() - t0);
    t0 = performance.now();
    await baseline();
    b.push(performance.now() - t0);
  }
  a.sort((x, y) => x - y);
  b.sort((x, y) => x - y);
  return { p95: percentile(a, 95), p50: percentile(a, 50), baseP95: percentile(b, 95), baseP50: percentile(b, 50) };
}

export async function runTimelineBench(databaseUrl: string): Promise<Figure[]> {
  const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  const db = database.dataSource;
  const timeline = new TimelineService(new TimelineReadModel(db));
  const calls = new CallsRepository(db);
  const s = await seed(db);
  try {
    const query = (extra: Partial<TimelineQuery> = {}): TimelineQuery => ({
      entityType: 'contact',
      entityId: s.contactId,
      limit: PAGE,
      ...extra,
    });
    const callLog = () => calls.list({ phones: [s.phone], limit: PAGE, offset: 0 }, [s.supervisor.id]);
    // A cursor half way down: the page an operator reaches after scrolling through 2,500 calls.
    let deep: string | null = null;
    let pages = 0;
    for (let seen = 0; seen < CLIENT_CALLS / 2; seen += 100) {
      const page = await timeline.page(s.supervisor, query({ limit: 100, ...(deep ? { before: deep } : {}) }));
      deep = page.nextCursor;
      pages++;
    }
    const first = await timeline.page(s.supervisor, query());
    if (first.items.length !== PAGE || !first.nextCursor) throw new Error('timeline bench: the first page is short');
    const everything = await timeline.page(s.supervisor, query({ kinds: ['call'], limit: 100 }));
    if (everything.items.some((i) => i.kind !== 'call')) throw new Error('timeline bench: kinds filter ignored');

    const cases: [string, () => Promise<unknown>][] = [
      ['supervisor, first page (30 items, all kinds)', () => timeline.page(s.supervisor, query())],
      [`supervisor, a page ${pages * 100} items deep`, () => timeline.page(s.supervisor, query({ before: deep! }))],
      [
        `operator who handled ${s.operatorCalls.toLocaleString('en-US')} of the calls, first page`,
        () => timeline.page(s.operator, query()),
      ],
      ['supervisor, calls only (kinds=call)', () => timeline.page(s.supervisor, query({ kinds: ['call'] }))],
    ];
    const figures: Figure[] = [];
    for (const [name, fn] of cases) {
      const m = await measure(fn, callLog);
      figures.push({
        figure: `timeline of a client with ${CLIENT_CALLS.toLocaleString('en-US')} calls: ${name}, p95 (baseline: the call log's first page for the client's number, p95)`,
        value: m.p95,
        baseline: m.baseP95,
        unit: 'ms',
        ratio: m.p95 / m.baseP95,
        details: { p50Ms: m.p50, baselineP50Ms: m.baseP50, runs: RUNS, otherCalls: OTHER_CALLS },
      });
    }
    return figures;
  } finally {
    await cleanup(db, s);
    await database.close();
  }
}
