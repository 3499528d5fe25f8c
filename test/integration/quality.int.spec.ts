import { randomBytes } from 'node:crypto';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ReviewItemDto } from '@contracts/dto/quality';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { seedCall } from '@test/support/call-events';

// Recordings review on the real app and Postgres. Calls are stored through the real recorder (seedCall) and their
// recordings rows inserted directly: this suite lists and scores them, it never plays audio (recordings.int covers it).
describe('recordings review: list filters, roles, upsert, audit, export (real Postgres)', () => {
  let t: TestApp;
  const users = {} as Record<'op1' | 'op2' | 'sup' | 'mgr' | 'admin', SeededUser>;
  const clients = {} as Record<keyof typeof users, ApiClient>;
  const ext = { op1: String(400_000 + Math.floor(Math.random() * 90_000)), op2: '' };
  ext.op2 = String(Number(ext.op1) + 1);
  // A queue name of our own keeps other suites' calls out of every filtered list.
  const queue = `qc-${randomBytes(3).toString('hex')}`;
  const day = '2031-03-14';
  const calls = {} as Record<'short' | 'long' | 'op2' | 'missed' | 'noRec' | 'otherQueue', string>;

  const list = async (who: keyof typeof users, query: string) =>
    clients[who].get<{ items: ReviewItemDto[]; total: number }>(`/api/reviews?${query}`);
  const ids = (items: ReviewItemDto[]) => items.map((i) => i.callId).sort();

  async function addRecording(callId: string, seconds: number) {
    await t.dataSource.query(
      `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime)
       VALUES ($1, $2, $3, 1000, $4, 'audio/ogg')`,
      [callId, `qc/${callId}-${randomBytes(4).toString('hex')}.ogg`, seconds, 'b'.repeat(64)],
    );
  }

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('qc');
    const specs = [
      ['op1', 'operator', ext.op1],
      ['op2', 'operator', ext.op2],
      ['sup', 'supervisor', null],
      ['mgr', 'manager', null],
      ['admin', 'admin', null],
    ] as const;
    for (const [key, role, extension] of specs) {
      users[key] = await createUser(t.dataSource, `${p}-${key}`, role, extension);
      clients[key] = new ApiClient(t.baseUrl);
      await clients[key].login(`${p}-${key}`, TEST_PASSWORD);
    }
    const seed = async (hour: number, answeredBy: string | undefined, talkSeconds: number) =>
      seedCall(t.dataSource, {
        fromRaw: `8916${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`,
        fromE164: null,
        startedAt: `${day}T${String(hour).padStart(2, '0')}:00:00Z`,
        answeredBy,
        talkSeconds,
      });
    calls.short = await seed(9, ext.op1, 20);
    calls.long = await seed(10, ext.op1, 300);
    calls.op2 = await seed(11, ext.op2, 60);
    calls.missed = await seed(12, undefined, 15);
    calls.noRec = await seed(13, ext.op1, 40);
    calls.otherQueue = await seed(14, ext.op1, 40);
    await t.dataSource.query(`UPDATE calls SET queue = $1 WHERE id = ANY($2)`, [
      queue,
      Object.entries(calls)
        .filter(([k]) => k !== 'otherQueue')
        .map(([, id]) => id),
    ]);
    await t.dataSource.query(`UPDATE calls SET queue = $1 WHERE id = $2`, [`${queue}-b`, calls.otherQueue]);
    for (const key of ['short', 'long', 'op2', 'missed', 'otherQueue'] as const) await addRecording(calls[key], 30);
    // A second, newer recording of the long call: the list links the newest.
    await addRecording(calls.long, 31);
    // The operator's wrap-up of the long call: the reviewer sees what they chose and wrote.
    await t.dataSource.query(
      `UPDATE calls SET wrap_up_outcome = 'callback', wrap_up_note = 'Перезвонить в пятницу', wrap_up_at = now(),
         wrap_up_by = $2 WHERE id = $1`,
      [calls.long, users.op1.id],
    );
  });

  afterAll(async () => {
    if (!t) return;
    const all = Object.values(calls);
    await t.dataSource.query('DELETE FROM audit_log WHERE entity_id = ANY($1)', [all]);
    await t.dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [all]);
    await t.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [all]);
    await deleteUsers(
      t.dataSource,
      Object.values(users).map((u) => u.id),
    );
    await t.close();
  });

  it('lists only calls with a recording, newest first, with the newest recording and the operator', async () => {
    const res = await list('sup', `queue=${queue}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i) => i.callId)).toEqual([calls.missed, calls.op2, calls.long, calls.short]);
    expect(res.body.total).toBe(4);
    const long = res.body.items.find((i) => i.callId === calls.long)!;
    const newest: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM recordings WHERE call_id = $1 AND duration_seconds = 31`,
      [calls.long],
    );
    expect(long).toMatchObject({
      recordingUrl: `/api/recordings/${newest[0]!.id}`,
      recordingSeconds: 31,
      operatorId: users.op1.id,
      operatorName: `operator ${users.op1.login}`,
      talkSeconds: 300,
      disposition: 'answered',
      queue,
      reviews: [],
      wrapUpOutcome: 'callback',
      wrapUpNote: 'Перезвонить в пятницу',
    });
    expect(res.body.items.find((i) => i.callId === calls.short)).toMatchObject({
      wrapUpOutcome: null,
      wrapUpNote: null,
    });
    const page2 = await list('mgr', `queue=${queue}&limit=3&offset=3`);
    expect(page2.body).toMatchObject({ total: 4, limit: 3, offset: 3 });
    expect(page2.body.items.map((i) => i.callId)).toEqual([calls.short]);
    expect((await list('mgr', `queue=${queue}&limit=3&offset=9`)).body).toMatchObject({ total: 4, items: [] });
  });

  it('filters by operator, duration, disposition, direction and dates', async () => {
    expect(ids((await list('sup', `queue=${queue}&operatorId=${users.op1.id}`)).body.items)).toEqual(
      [calls.short, calls.long].sort(),
    );
    expect(ids((await list('sup', `queue=${queue}&operatorId=${users.op2.id}`)).body.items)).toEqual([calls.op2]);
    expect(ids((await list('sup', `queue=${queue}&minDuration=60`)).body.items)).toEqual(
      [calls.long, calls.op2].sort(),
    );
    expect(ids((await list('sup', `queue=${queue}&minDuration=20&maxDuration=60`)).body.items)).toEqual(
      [calls.short, calls.op2].sort(),
    );
    expect(ids((await list('sup', `queue=${queue}&disposition=missed`)).body.items)).toEqual([calls.missed]);
    expect((await list('sup', `queue=${queue}&direction=outbound`)).body.items).toEqual([]);
    expect((await list('sup', `queue=${queue}&direction=inbound`)).body.total).toBe(4);
    expect(ids((await list('sup', `queue=${queue}&from=${day}T09:30:00Z&to=${day}T11:30:00Z`)).body.items)).toEqual(
      [calls.long, calls.op2].sort(),
    );
    expect((await list('sup', `queue=${queue}&from=${day}&to=${day}`)).body.total).toBe(4);
    expect((await list('sup', `queue=${queue}&to=2031-03-13`)).body.total).toBe(0);
    expect(ids((await list('sup', `queue=${queue}-b`)).body.items)).toEqual([calls.otherQueue]);
  });

  it('rejects bad filters with 400 naming the field', async () => {
    for (const [query, field] of [
      ['minDuration=90&maxDuration=10', 'maxDuration'],
      ['from=2031-03-15&to=2031-03-14', 'to'],
      ['reviewed=maybe', 'reviewed'],
      ['operatorId=nope', 'operatorId'],
      ['sort=score', 'sort'],
    ] as const) {
      const res = await clients.sup.get(`/api/reviews?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it('lets supervisors and managers in and refuses operators and admins (403)', async () => {
    const body = { score: 4, scriptFollowed: true, comment: null };
    for (const who of ['op1', 'admin'] as const) {
      expect((await list(who, `queue=${queue}`)).status).toBe(403);
      expect((await clients[who].get(`/api/reviews/export?queue=${queue}`)).status).toBe(403);
      const put = await clients[who].request('PUT', `/api/calls/${calls.short}/review`, body);
      expect(put.status).toBe(403);
      expect(put.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
    }
    const none: { n: string }[] = await t.dataSource.query(
      'SELECT count(*) AS n FROM call_reviews WHERE call_id = $1',
      [calls.short],
    );
    expect(none[0]!.n).toBe('0');
    expect((await new ApiClient(t.baseUrl).get('/api/reviews')).status).toBe(401);
  });

  it('upserts one review per call per reviewer: a repeat changes nothing, a correction updates, audited once each', async () => {
    const url = `/api/calls/${calls.short}/review`;
    const first = await clients.sup.request('PUT', url, {
      score: 3,
      scriptFollowed: false,
      comment: ' Нет приветствия ',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      callId: calls.short,
      reviewerId: users.sup.id,
      score: 3,
      scriptFollowed: false,
      comment: 'Нет приветствия',
    });
    const again = await clients.sup.request('PUT', url, {
      score: 3,
      scriptFollowed: false,
      comment: 'Нет приветствия',
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const corrected = await clients.sup.request('PUT', url, { score: 5, scriptFollowed: true, comment: '' });
    expect(corrected.body).toMatchObject({
      score: 5,
      scriptFollowed: true,
      comment: null,
      createdAt: first.body.createdAt,
    });
    expect(Date.parse(corrected.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.updatedAt));
    // A second reviewer has their own row.
    expect((await clients.mgr.request('PUT', url, { score: 2, scriptFollowed: false })).status).toBe(200);

    const rows: { reviewer_id: string; score: number }[] = await t.dataSource.query(
      'SELECT reviewer_id, score FROM call_reviews WHERE call_id = $1 ORDER BY score',
      [calls.short],
    );
    expect(rows).toEqual([
      { reviewer_id: users.mgr.id, score: 2 },
      { reviewer_id: users.sup.id, score: 5 },
    ]);
    const audit: { actor_id: string; action: string; details: Record<string, unknown> }[] = await t.dataSource.query(
      `SELECT actor_id, action, details FROM audit_log WHERE entity = 'call' AND entity_id = $1 ORDER BY id`,
      [calls.short],
    );
    expect(audit).toEqual([
      {
        actor_id: users.sup.id,
        action: 'call.review.create',
        details: { score: 3, scriptFollowed: false, hasComment: true },
      },
      {
        actor_id: users.sup.id,
        action: 'call.review.update',
        details: { score: 5, scriptFollowed: true, hasComment: false },
      },
      {
        actor_id: users.mgr.id,
        action: 'call.review.create',
        details: { score: 2, scriptFollowed: false, hasComment: false },
      },
    ]);

    const listed = (await list('sup', `queue=${queue}&reviewed=true`)).body.items;
    expect(listed.map((i) => i.callId)).toEqual([calls.short]);
    expect(listed[0]!.reviews.map((r) => [r.reviewerId, r.score])).toEqual([
      [users.sup.id, 5],
      [users.mgr.id, 2],
    ]);
    expect(ids((await list('sup', `queue=${queue}&reviewed=false`)).body.items)).toEqual(
      [calls.long, calls.op2, calls.missed].sort(),
    );
  });

  it('validates the review and refuses unknown calls and calls without a recording', async () => {
    for (const body of [
      { score: 0, scriptFollowed: true },
      { score: 6, scriptFollowed: true },
      { score: 3.5, scriptFollowed: true },
      { score: 3 },
      { score: 3, scriptFollowed: null },
      { score: 3, scriptFollowed: 'yes' },
      { score: 3, scriptFollowed: true, comment: 'x'.repeat(2001) },
      { score: 3, scriptFollowed: true, reviewerId: users.mgr.id },
    ]) {
      const res = await clients.sup.request('PUT', `/api/calls/${calls.long}/review`, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    const unknown = await clients.sup.request('PUT', `/api/calls/${crypto.randomUUID()}/review`, {
      score: 3,
      scriptFollowed: true,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CALL_NOT_FOUND');
    const noRec = await clients.sup.request('PUT', `/api/calls/${calls.noRec}/review`, {
      score: 3,
      scriptFollowed: true,
    });
    expect(noRec.status).toBe(409);
    expect(noRec.body.error.code).toBe('RECORDING_NOT_FOUND');
  });

  it('exports the filtered list as CSV (BOM, CRLF, one row per call, reviews summarised) and XLSX', async () => {
    await clients.mgr.request('PUT', `/api/calls/${calls.long}/review`, {
      score: 4,
      scriptFollowed: true,
      comment: '=HYPERLINK("x"), "хорошо"',
    });
    // Raw bytes: Response.text() would drop the BOM this checks.
    const csv = await fetch(`${t.baseUrl}/api/reviews/export?queue=${queue}&operatorId=${users.op1.id}&lang=en`, {
      headers: { cookie: clients.mgr.cookie! },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="zvonok-call-reviews-.*\.csv"/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      'Call ID,Started (UTC),Direction,From,To,Queue,Operator,Extension,Talk seconds,Disposition,Wrap-up,' +
        'Recording seconds,Reviews,Average score,Script followed,Comments',
    );
    expect(lines).toHaveLength(4);
    const [longLine, shortLine] = lines.slice(1);
    expect(longLine).toMatch(new RegExp(`^${calls.long},${day}T10:00:00.000Z,inbound,`));
    expect(longLine).toContain(`,${queue},operator ${users.op1.login},${ext.op1},300,answered,callback,31,1,4,yes,`);
    // The comment is quoted (comma and quotes) and, starting with '=', kept as text.
    expect(longLine).toContain(`"manager ${users.mgr.login}: =HYPERLINK(""x""), ""хорошо"""`);
    expect(shortLine).toMatch(new RegExp(`^${calls.short},`));
    expect(shortLine).toContain(',20,answered,,30,2,3.5,no,');

    const xlsx = await fetch(`${t.baseUrl}/api/reviews/export?queue=${queue}&format=xlsx&lang=en`, {
      headers: { cookie: clients.sup.cookie! },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(1).getCell(1).value).toBe('Call ID');
    const rowOf = (id: string) => {
      for (let r = 2; r <= sheet.rowCount; r++) if (sheet.getRow(r).getCell(1).value === id) return sheet.getRow(r);
      throw new Error(`no row for ${id}`);
    };
    expect(rowOf(calls.long).getCell(9).value).toBe(300);
    expect(rowOf(calls.short).getCell(14).value).toBe(3.5);
    expect(rowOf(calls.missed).getCell(13).value).toBe(0);

    // In Russian (asked for, or the profile language): headers and coded values are words of the language.
    for (const lang of ['&lang=ru', '']) {
      const ru = await clients.mgr.get(`/api/reviews/export?queue=${queue}&operatorId=${users.op1.id}${lang}`);
      const [header, long] = (ru.body as string).replace(/^\uFEFF/, '').split('\r\n');
      expect(header).toBe(
        'ID звонка,Начало (UTC),Направление,Кто звонил,Куда,Очередь,Оператор,Внутр. номер,"Разговор, с",Результат,' +
          'Итог звонка,"Запись, с",Оценок,Средняя оценка,Скрипт соблюдён,Комментарии',
      );
      expect(long).toContain(',входящий,');
      expect(long).toContain(',300,отвечен,перезвонить,31,1,4,да,');
    }
  });
});
