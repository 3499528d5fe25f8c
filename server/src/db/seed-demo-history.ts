import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type DataSource, type EntityManager } from 'typeorm';

import { demoConversationWav, timeOrderedId } from '@telephony';
import { type Logger } from '@server/common/logger/logger';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { MediaTools } from '@server/modules/recordings/media-tools';
import { recordingStorageKey } from '@server/modules/recordings/recording-paths';
import { RECORDING_MIME } from '@server/modules/recordings/recording-ingest.service';
import { AnalyticsRollupsRepository } from '@server/modules/analytics/analytics-rollups.repository';

/**
 * Thirty days of a small call centre's life for the quick start, so every role's first screen has something true
 * to life: inbound and outbound calls (answered, missed, abandoned) with wrap-ups, short synthesized recordings of
 * the last week's answered calls, leads from unknown callers, callback and follow-up tasks, and deals along the
 * pipeline. Demo data only (seedDemo, refused in production); written once, into a CRM without calls.
 * Deterministic: the same pseudo-random sequence on every fresh start.
 */
export async function seedDemoHistory(
  dataSource: DataSource,
  options: { recordingsStoreDir: string; defaultCountry: string; logger?: Logger; now?: Date },
): Promise<void> {
  const [{ n }] = (await dataSource.query(`SELECT count(*)::int AS n FROM calls`)) as [{ n: number }];
  if (n > 0) return;
  const now = options.now ?? new Date();
  const random = prng(20_261_203);
  const recordings: { callId: string; startedAt: Date; seconds: number }[] = [];
  const counts = await dataSource.transaction(async (em) => {
    const users = await usersByLogin(em);
    const contacts = await addContacts(em, users, options.defaultCountry);
    const calls = await addCalls(em, { users, contacts, now, random, recordings });
    const deals = await addDeals(em, { users, contacts, now, random });
    await addOpenTasks(em, { users, contacts, now, random });
    return { calls, deals };
  });
  // Written straight into calls, past the pipeline: analytics' rollups are rebuilt from them.
  await new AnalyticsRollupsRepository(dataSource).rebuild();
  // The latest 40 answered calls: today's call log and the review list open with recordings.
  const latest = recordings.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).slice(-40);
  const stored = await addRecordings(dataSource, options.recordingsStoreDir, latest).catch((err: unknown) => {
    // ffmpeg missing or failing: the history stays, only without audio.
    options.logger?.warn({ err }, 'demo recordings not synthesized');
    return 0;
  });
  options.logger?.info({ ...counts, recordings: stored }, 'demo history seeded (30 days)');
}

type Random = () => number;

/** mulberry32: a tiny seeded generator, so the demo history is the same on every fresh start. */
function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const between = (r: Random, min: number, max: number) => Math.floor(min + r() * (max - min + 1));
const oneOf = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

interface Operator {
  id: string;
  extension: string;
}
interface Users {
  operators: Operator[];
  supervisor: string | null;
  manager: string | null;
}
interface Contact {
  id: string;
  e164: string;
  ownerId: string | null;
  name: string;
}

async function usersByLogin(em: EntityManager): Promise<Users> {
  const rows: { id: string; login: string; role: string; extension: string | null }[] = await em.query(
    `SELECT id, login, role, extension FROM users WHERE active ORDER BY login`,
  );
  return {
    operators: rows
      .filter((u) => u.role === 'operator' && u.extension)
      .map((u) => ({ id: u.id, extension: u.extension! })),
    supervisor: rows.find((u) => u.login === 'supervisor')?.id ?? null,
    manager: rows.find((u) => u.login === 'manager')?.id ?? null,
  };
}

/** More clients besides the four of the base demo, so a month of calls has regulars. */
const MORE_CONTACTS: readonly [name: string, phone: string][] = [
  ['Елена Смирнова', '+7 916 201-33-44'],
  ['Дмитрий Волков', '+7 903 412-55-10'],
  ['Наталья Морозова', '+7 926 707-12-90'],
  ['Сергей Лебедев', '+7 495 980-21-11'],
  ['Ольга Новикова', '+7 915 330-40-50'],
  ['Андрей Соколов', '+7 985 600-70-80'],
  ['Татьяна Павлова', '+7 917 222-10-01'],
  ['Михаил Фёдоров', '+7 499 123-98-76'],
];

async function addContacts(em: EntityManager, users: Users, defaultCountry: string): Promise<Contact[]> {
  for (const [i, [name, raw]] of MORE_CONTACTS.entries()) {
    const owner = users.operators[i % Math.max(1, users.operators.length)]?.id ?? null;
    const [{ id }] = (await em.query(`INSERT INTO contacts (name, owner_id, tags) VALUES ($1, $2, $3) RETURNING id`, [
      name,
      owner,
      i % 3 === 0 ? ['постоянный'] : [],
    ])) as [{ id: string }];
    const keys = phoneKeys(raw, defaultCountry);
    await em.query(`INSERT INTO contact_phones (contact_id, raw, position, e164, last10) VALUES ($1, $2, 0, $3, $4)`, [
      id,
      raw,
      keys.e164,
      keys.last10,
    ]);
  }
  return em.query(
    `SELECT DISTINCT ON (c.id) c.id, p.e164, c.owner_id AS "ownerId", c.name
     FROM contacts c JOIN contact_phones p ON p.contact_id = c.id
     WHERE p.e164 LIKE '+7%' ORDER BY c.id, p.position`,
  );
}

const WRAP_UPS: readonly [outcome: string, note: string][] = [
  ['resolved', 'Уточнил статус заказа, доставка в четверг'],
  ['resolved', 'Помог со входом в личный кабинет'],
  ['sale', 'Оформил заказ на 12 позиций, счёт отправлен на почту'],
  ['sale', 'Продлили договор на год'],
  ['callback', 'Просит перезвонить после обеда, нужен расчёт'],
  ['callback', 'Ждёт коммерческое предложение, перезвонить завтра'],
  ['no-interest', 'Сравнивает с конкурентами, пока не готов'],
  ['wrong-number', 'Ошиблись номером'],
  ['other', 'Вопрос по вакансии, передал в отдел кадров'],
];
const TASK_TITLES = [
  'Отправить коммерческое предложение',
  'Согласовать условия доставки',
  'Подготовить договор',
  'Уточнить реквизиты',
  'Напомнить об оплате счёта',
];

interface CallPlan {
  users: Users;
  contacts: Contact[];
  now: Date;
  random: Random;
  recordings: { callId: string; startedAt: Date; seconds: number }[];
}

async function addCalls(em: EntityManager, plan: CallPlan): Promise<number> {
  const { users, contacts, now, random } = plan;
  if (!users.operators.length) return 0;
  let total = 0;
  let lastUnknown = 0;
  for (let daysAgo = 30; daysAgo >= 0; daysAgo--) {
    const day = new Date(now.getTime() - daysAgo * 86_400_000);
    const weekday = day.getUTCDay();
    const perDay = weekday === 0 || weekday === 6 ? between(random, 2, 4) : between(random, 8, 14);
    for (let k = 0; k < perDay; k++) {
      // 9:00-19:00 Moscow time (UTC+3).
      const startedAt = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 6, 0, 0));
      startedAt.setUTCSeconds(between(random, 0, 10 * 3600 - 1));
      if (startedAt.getTime() > now.getTime() - 5 * 60_000) continue;
      const outbound = random() < 0.2;
      const known = outbound || random() < 0.65;
      const contact = known && contacts.length ? oneOf(random, contacts) : null;
      const number = contact?.e164 ?? `+7926${String(5_000_000 + ++lastUnknown * 7919).padStart(7, '0')}`;
      const operator = oneOf(random, users.operators);
      const roll = random();
      const answered = outbound ? roll < 0.7 : roll < 0.8;
      const abandoned = !outbound && !answered && roll < 0.9;
      // Most answered callers wait a few seconds, some long enough to miss the 20 s service level.
      const wait = outbound
        ? between(random, 3, 20)
        : answered
          ? random() < 0.8
            ? between(random, 2, 15)
            : between(random, 16, 60)
          : between(random, 5, 90);
      const talk = answered ? between(random, 35, 420) : 0;
      // Time-ordered like the adapters' ids, so the history lands in its month's partition.
      const callId = timeOrderedId(`demo-history:${randomUUID()}`, startedAt.getTime());
      const answeredAt = answered ? new Date(startedAt.getTime() + wait * 1000) : null;
      const endedAt = new Date(startedAt.getTime() + (wait + talk) * 1000);
      let leadId: string | null = null;
      if (!contact) {
        const status = daysAgo < 3 ? 'new' : oneOf(random, ['in_progress', 'qualified', 'converted', 'junk', 'new']);
        [{ id: leadId }] = (await em.query(
          `INSERT INTO leads (source, status, phone_raw, phone_e164, owner_id, created_at, updated_at)
           VALUES ('call', $1, $2, $2, $3, $4, $4) RETURNING id`,
          [status, number, answered ? operator.id : null, startedAt],
        )) as [{ id: string }];
      }
      const wrap = answered && random() < 0.85 ? oneOf(random, WRAP_UPS) : null;
      await em.query(
        `INSERT INTO calls (id, linkedid, source, direction, from_raw, from_e164, to_raw, to_e164, queue, operator_id,
           agent_extension, status, started_at, answered_at, ended_at, wait_seconds, talk_seconds, disposition,
           hangup_cause, last_seq, contact_id, lead_id, lead_created, wrap_up_outcome, wrap_up_note, wrap_up_by,
           wrap_up_at, created_at, updated_at)
         VALUES ($1, $2, 'ami', $3, $4, $5, $6, $7, $8, $9, $10, 'ended', $11, $12, $13, $14, $15, $16, $17, 4, $18,
           $19, $20, $21, $22, $23, $24, $11, $13)`,
        [
          callId,
          `demo-history-${callId}`,
          outbound ? 'outbound' : 'inbound',
          outbound ? operator.extension : number,
          outbound ? null : number,
          outbound ? number : '7000',
          outbound ? number : null,
          outbound ? null : 'support',
          answered || outbound ? operator.id : null,
          answered || outbound ? operator.extension : null,
          startedAt,
          answeredAt,
          endedAt,
          wait,
          answered ? talk : null,
          answered ? 'answered' : outbound ? 'failed' : abandoned ? 'abandoned' : 'missed',
          answered ? 'normal-clearing' : outbound ? 'no-answer' : 'cancel',
          contact?.id ?? null,
          leadId,
          leadId !== null,
          wrap?.[0] ?? null,
          wrap?.[1] ?? null,
          wrap ? operator.id : null,
          wrap ? new Date(endedAt.getTime() + between(random, 10, 90) * 1000) : null,
        ],
      );
      // Whose phone rang: an inbound queue call rings every operator, an outbound one the caller's own phone.
      const rang = outbound ? [operator] : users.operators;
      for (const o of rang) {
        const took = answered && o.id === operator.id;
        await em.query(
          `INSERT INTO call_legs (id, call_id, agent_extension, user_id, started_at, answered_at, ended_at, hangup_cause)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            randomUUID(),
            callId,
            o.extension,
            o.id,
            startedAt,
            took ? answeredAt : null,
            took ? endedAt : (answeredAt ?? endedAt),
            took ? 'normal-clearing' : 'cancel',
          ],
        );
      }
      if (answered) {
        await em.query(
          `INSERT INTO call_handlers (call_id, seq, kind, extension, user_id, at) VALUES ($1, 3, 'answered', $2, $3, $4)`,
          [callId, operator.extension, operator.id, answeredAt],
        );
        if (daysAgo <= 7) plan.recordings.push({ callId, startedAt, seconds: talk });
      }
      const link = contact ? ({ type: 'contact', id: contact.id } as const) : ({ type: 'lead', id: leadId! } as const);
      if (!answered && !outbound) await addCallback(em, { callId, number, operator, link, endedAt, daysAgo, random });
      if (wrap?.[0] === 'callback' || wrap?.[0] === 'sale') {
        await em.query(
          `INSERT INTO tasks (title, kind, due_at, done_at, assignee_id, created_by_id, entity_type, entity_id,
             created_at, updated_at)
           VALUES ($1, 'todo', $2, $3, $4, $4, $5, $6, $7, $7)`,
          [
            oneOf(random, TASK_TITLES),
            new Date(endedAt.getTime() + between(random, 1, 3) * 86_400_000),
            daysAgo > 3 ? new Date(endedAt.getTime() + 86_400_000) : null,
            operator.id,
            link.type,
            link.id,
            endedAt,
          ],
        );
      }
      total++;
    }
  }
  return total;
}

/**
 * Tops every operator up to three open follow-ups, whatever the day and hour of the start: the last days' calls give
 * some, but a start early on a Saturday finds only a weekday or two of them (the quick-start e2e failed so).
 */
async function addOpenTasks(
  em: EntityManager,
  plan: { users: Users; contacts: Contact[]; now: Date; random: Random },
): Promise<void> {
  const { users, contacts, now, random } = plan;
  if (!contacts.length) return;
  for (const operator of users.operators) {
    const [{ open }] = (await em.query(
      `SELECT count(*)::int AS open FROM tasks WHERE assignee_id = $1 AND done_at IS NULL`,
      [operator.id],
    )) as [{ open: number }];
    for (let k = open; k < 3; k++) {
      const createdAt = new Date(now.getTime() - between(random, 1, 48) * 3_600_000);
      await em.query(
        `INSERT INTO tasks (title, kind, due_at, assignee_id, created_by_id, entity_type, entity_id, created_at,
           updated_at)
         VALUES ($1, 'todo', $2, $3, $3, 'contact', $4, $5, $5)`,
        [
          oneOf(random, TASK_TITLES),
          new Date(now.getTime() + between(random, 2, 72) * 3_600_000),
          operator.id,
          oneOf(random, contacts).id,
          createdAt,
        ],
      );
    }
  }
}

/**
 * A missed call's callback task as the callbacks module makes it (title = the number, linked to the caller's
 * contact or lead): done for older calls; open, one per number, for the last two days.
 */
async function addCallback(
  em: EntityManager,
  c: {
    callId: string;
    number: string;
    operator: Operator;
    link: { type: 'contact' | 'lead'; id: string };
    endedAt: Date;
    daysAgo: number;
    random: Random;
  },
): Promise<void> {
  const open = c.daysAgo <= 1;
  const [task] = (await em.query(
    `INSERT INTO tasks (title, kind, due_at, done_at, done_by_id, assignee_id, entity_type, entity_id, call_id,
       callback_phone, callback_queue, callback_attempts, created_at, updated_at)
     VALUES ($1, 'callback', $2, $3, $4, $5, $6, $7, $8, $1, 'support', 1, $9, $9)
     ON CONFLICT (callback_phone, COALESCE(callback_queue, '')) WHERE kind = 'callback' AND done_at IS NULL
     DO NOTHING RETURNING id`,
    [
      c.number,
      new Date(c.endedAt.getTime() + 15 * 60_000),
      open ? null : new Date(c.endedAt.getTime() + between(c.random, 10, 120) * 60_000),
      open ? null : c.operator.id,
      c.operator.id,
      c.link.type,
      c.link.id,
      c.callId,
      c.endedAt,
    ],
  )) as { id: string }[];
  if (task) {
    await em.query(`INSERT INTO callback_calls (call_id, task_id, ended_at) VALUES ($1, $2, $3)`, [
      c.callId,
      task.id,
      c.endedAt,
    ]);
  }
}

const DEAL_TITLES = [
  'Поставка оборудования',
  'Годовое обслуживание',
  'Подключение филиала',
  'Расширение лицензий',
  'Пилотный проект',
  'Обучение сотрудников',
];

async function addDeals(
  em: EntityManager,
  plan: { users: Users; contacts: Contact[]; now: Date; random: Random },
): Promise<number> {
  const { contacts, now, random } = plan;
  let n = 0;
  for (const [i, contact] of contacts.entries()) {
    const stage = oneOf(random, ['new', 'qualification', 'proposal', 'negotiation', 'won', 'won', 'lost']);
    const created = new Date(now.getTime() - between(random, 5, 30) * 86_400_000);
    const closed =
      stage === 'won' || stage === 'lost' ? new Date(created.getTime() + between(random, 1, 4) * 86_400_000) : null;
    await em.query(
      `INSERT INTO deals (title, stage, amount, currency, owner_id, contact_id, closed_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'RUB', $4, $5, $6, $7, $7)`,
      [
        `${DEAL_TITLES[i % DEAL_TITLES.length]} — ${contact.name}`,
        stage,
        (between(random, 4, 90) * 10_000).toFixed(2),
        contact.ownerId,
        contact.id,
        closed,
        created,
      ],
    );
    n++;
  }
  return n;
}

/**
 * Recordings of the last week's answered calls, stored as the ingest stores them (Opus in Ogg under the store's
 * day/call key). Three takes are transcoded once with the ingest's own ffmpeg settings and copied, so the seed
 * stays quick; a call's recording is the take nearest its length.
 */
async function addRecordings(
  dataSource: DataSource,
  storeDir: string,
  recordings: readonly { callId: string; startedAt: Date; seconds: number }[],
): Promise<number> {
  if (!recordings.length) return 0;
  const work = await mkdtemp(path.join(tmpdir(), 'zvonok-demo-'));
  try {
    const media = new MediaTools({ timeoutMs: 60_000 });
    const takes: { seconds: number; file: string; sha256: string; size: number }[] = [];
    for (const [i, seconds] of [20, 45, 90].entries()) {
      const wav = path.join(work, `take-${i}.wav`);
      const ogg = path.join(work, `take-${i}.ogg`);
      await writeFile(wav, demoConversationWav(seconds, i + 1));
      await media.toOpus(wav, ogg);
      const bytes = await readFile(ogg);
      takes.push({
        seconds,
        file: ogg,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: (await stat(ogg)).size,
      });
    }
    for (const r of recordings) {
      const take = takes.reduce((best, t) =>
        Math.abs(t.seconds - r.seconds) < Math.abs(best.seconds - r.seconds) ? t : best,
      );
      const key = recordingStorageKey(r.callId, r.startedAt, `demo-${r.callId}.wav`);
      const target = path.join(storeDir, key);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(take.file, target);
      await dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [r.callId, key, take.seconds, take.size, take.sha256, RECORDING_MIME, r.startedAt],
      );
    }
    return recordings.length;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
