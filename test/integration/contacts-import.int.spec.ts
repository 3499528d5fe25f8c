import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ImportJobDto, type ImportPreviewDto } from '@contracts/dto/import';
import { ApiClient } from '@test/support/api-client';
import {
  type SeededUser,
  type TestApp,
  TEST_PASSWORD,
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
} from '@test/support/api-server';

/** Contacts import (CSV, XLSX) and export over HTTP against the real app and Postgres. */
describe('contacts import and export (real Postgres)', () => {
  let t: TestApp;
  let op: SeededUser;
  let other: SeededUser;
  let c: ApiClient;
  // Numbers unique to this run so parallel or repeated suites never see each other's contacts.
  const n = String(Math.floor(Math.random() * 90_000) + 10_000);
  const phone = (tail: string) => `8 (916) ${n.slice(0, 3)}-${n.slice(3)}-${tail}`;

  const upload = async (client: ApiClient, fileName: string, body: Uint8Array<ArrayBuffer> | string) => {
    const res = await fetch(`${t.baseUrl}/api/imports?fileName=${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: {
        'x-requested-with': 'zvonok',
        cookie: client.cookie ?? '',
        'content-type': 'application/octet-stream',
      },
      body,
    });
    return {
      status: res.status,
      body: (await res.json()) as ImportPreviewDto & { error?: { code: string; details?: unknown } },
    };
  };

  const waitDone = async (id: string): Promise<ImportJobDto> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await c.get<ImportJobDto>(`/api/imports/${id}`);
      expect(res.status).toBe(200);
      if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
      if (Date.now() > deadline) throw new Error(`import stuck: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    op = await createUser(t.dataSource, `${suitePrefix('imp')}-op`, 'operator');
    other = await createUser(t.dataSource, `${suitePrefix('imp')}-op2`, 'operator');
    c = new ApiClient(t.baseUrl);
    await c.login(op.login, TEST_PASSWORD);
    // Someone else's contact: still a duplicate for the import, though the importer cannot see it.
    await t.dataSource.query(
      `WITH c AS (INSERT INTO contacts (name, owner_id) VALUES ('Чужой', $1) RETURNING id)
       INSERT INTO contact_phones (contact_id, raw, e164, last10) SELECT id, $2, $3, $4 FROM c`,
      [other.id, phone('99'), `+7916${n}99`, `916${n}99`],
    );
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id, other.id]);
    await t.close();
  });

  it('imports a ;-separated CSV: good rows in, bad rows and duplicates reported per line', async () => {
    const csv = [
      'ФИО;Телефон;Почта;Теги',
      `Анна Первая;${phone('01')};anna@example.ru;vip, опт`,
      `;${phone('02')};;`, // missing name
      'Борис Плохой;12-34;;', // bad phone
      `Анна Дубль;+7916${n}01;;`, // same number as line 2, other format
      `Чужой Дубль;916${n}99;;`, // already in the CRM (another owner)
      `Вера Вторая;${phone('03')}; ;`,
    ].join('\r\n');
    const preview = await upload(c, 'contacts.csv', csv);
    expect(preview.status).toBe(201);
    expect(preview.body).toMatchObject({
      format: 'csv',
      columns: ['ФИО', 'Телефон', 'Почта', 'Теги'],
      rowCount: 6,
      suggestedMapping: { name: 0, phone: 1, email: 2, tags: 3 },
    });
    expect(preview.body.sample[0]).toEqual(['Анна Первая', phone('01'), 'anna@example.ru', 'vip, опт']);

    const started = await c.post(`/api/imports/${preview.body.id}/start`, { mapping: preview.body.suggestedMapping });
    expect(started.status).toBe(202);
    const job = await waitDone(preview.body.id);
    expect(job).toMatchObject({ status: 'done', total: 6, processed: 6, imported: 2, invalid: 2, duplicates: 2 });
    expect(job.problems.map((p) => [p.line, p.status, p.issues, p.duplicateOfLine])).toEqual([
      [3, 'invalid', ['missing-name'], undefined],
      [4, 'invalid', ['bad-phone'], undefined],
      [5, 'duplicate', ['duplicate-in-file'], 2],
      [6, 'duplicate', ['duplicate-not-visible'], undefined], // another owner's: not said whose
    ]);

    const mine = await c.get(`/api/contacts?q=${encodeURIComponent(`+7916${n}01`)}`);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ name: 'Анна Первая', email: 'anna@example.ru', tags: ['vip', 'опт'] });
    expect(mine.body.items[0].phones[0].e164).toBe(`+7916${n}01`);
    expect(mine.body.items[0].ownerId).toBe(op.id);

    const again = await c.post(`/api/imports/${preview.body.id}/start`, { mapping: preview.body.suggestedMapping });
    expect(again.status).toBe(409);
  });

  it('imports an XLSX with numeric phone cells, and re-importing it finds every row a duplicate', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Лист1');
    sheet.addRow(['Name', 'Phone', 'Comment']);
    sheet.addRow(['Xlsx One', Number(`7916${n}11`), 'number cell']);
    sheet.addRow(['Xlsx Two', `+7 916 ${n}-12`, 'text cell']);
    const data = new Uint8Array(await workbook.xlsx.writeBuffer());

    const preview = await upload(c, 'book.xlsx', data);
    expect(preview.status).toBe(201);
    expect(preview.body).toMatchObject({ format: 'xlsx', rowCount: 2, suggestedMapping: { name: 0, phone: 1 } });
    expect(preview.body.sample[0]?.[1]).toBe(`7916${n}11`);
    await c.post(`/api/imports/${preview.body.id}/start`, { mapping: { name: 0, phone: 1 } });
    expect(await waitDone(preview.body.id)).toMatchObject({ imported: 2, invalid: 0, duplicates: 0 });

    const second = await upload(c, 'book.xlsx', data);
    await c.post(`/api/imports/${second.body.id}/start`, { mapping: { name: 0, phone: 1 } });
    const job = await waitDone(second.body.id);
    expect(job).toMatchObject({ imported: 0, duplicates: 2 });
  });

  it('rejects oversized, empty and unsupported files, bad mappings and other users’ jobs', async () => {
    const big = await upload(c, 'big.csv', new Uint8Array(5 * 1024 * 1024 + 1).fill(65));
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('PAYLOAD_TOO_LARGE');

    const empty = await upload(c, 'empty.csv', 'name;phone\r\n');
    expect(empty.status).toBe(400);
    expect(empty.body.error?.details).toEqual({ reason: 'IMPORT_EMPTY' });

    const xls = await upload(c, 'old.xls', 'not really excel');
    expect(xls.status).toBe(415);

    const ok = await upload(c, 'two.csv', `name,phone\nA,${phone('21')}\n`);
    const bad = await c.post(`/api/imports/${ok.body.id}/start`, { mapping: { name: 0, phone: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ reason: 'IMPORT_BAD_MAPPING' });

    const stranger = new ApiClient(t.baseUrl);
    await stranger.login(other.login, TEST_PASSWORD);
    expect((await stranger.get(`/api/imports/${ok.body.id}`)).status).toBe(404);

    const noCsrf = await fetch(`${t.baseUrl}/api/imports?fileName=a.csv`, {
      method: 'POST',
      headers: { cookie: c.cookie ?? '' },
      body: 'name,phone\nA,89160000000\n',
    });
    expect(noCsrf.status).toBe(403);
  });

  it('decodes a Windows-1251 CSV (what Russian Excel saves)', async () => {
    const cp1251 = new Uint8Array([
      ...Buffer.from('name;phone\r\n'),
      0xc8,
      0xe2,
      0xe0,
      0xed, // "Иван"
      ...Buffer.from(`;${phone('31')}\r\n`),
    ]);
    const preview = await upload(c, 'win.csv', cp1251);
    expect(preview.status).toBe(201);
    expect(preview.body.sample[0]?.[0]).toBe('Иван');
  });

  it('exports the visible contacts as CSV (BOM, re-importable header) and XLSX, filtered by tag', async () => {
    const csv = await fetch(`${t.baseUrl}/api/contacts/export?format=csv&tag=vip`, {
      headers: { cookie: c.cookie ?? '' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('name,phone,email,company,tags,do_not_call');
    expect(lines.slice(1)).toEqual([`Анна Первая,+7916${n}01,anna@example.ru,,"vip, опт",`]);

    const xlsx = await fetch(`${t.baseUrl}/api/contacts/export?format=xlsx`, { headers: { cookie: c.cookie ?? '' } });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const names: string[] = [];
    book.worksheets[0]!.eachRow((row, i) => {
      if (i > 1) names.push(String(row.getCell(1).value));
    });
    // Only this operator's contacts: the other owner's "Чужой" is not visible, so it is not exported.
    expect(names.sort()).toEqual(['Xlsx One', 'Xlsx Two', 'Анна Первая', 'Вера Вторая']);
    expect(book.worksheets[0]!.getRow(1).values).toEqual([
      undefined,
      'name',
      'phone',
      'email',
      'company',
      'tags',
      'do_not_call',
    ]);
  });

  it('filters the contacts list by tag', async () => {
    const res = await c.get('/api/contacts?tag=vip');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(['Анна Первая']);
    expect((await c.get('/api/contacts?tag=nope')).body.total).toBe(0);
  });

  // These add contacts to the importer, after the export checks that count them.
  it('any web node answers the poll, and a job starts once though two nodes are asked at once', async () => {
    const nodeB = await startTestApp();
    try {
      const onB = new ApiClient(nodeB.baseUrl);
      onB.cookie = c.cookie; // the same session: sessions live in the database
      const preview = await upload(c, 'nodes.csv', `name,phone\nУзел Один,${phone('41')}\nУзел Два,${phone('42')}\n`);
      const mapping = { mapping: { name: 0, phone: 1 } };
      const starts = await Promise.all([
        c.post(`/api/imports/${preview.body.id}/start`, mapping),
        onB.post(`/api/imports/${preview.body.id}/start`, mapping),
      ]);
      expect(starts.map((r) => r.status).sort()).toEqual([202, 409]);
      const deadline = Date.now() + 20_000;
      let job: ImportJobDto;
      do {
        job = (await onB.get<ImportJobDto>(`/api/imports/${preview.body.id}`)).body;
        if (Date.now() > deadline) throw new Error(`import stuck: ${JSON.stringify(job)}`);
      } while (job.status === 'running');
      expect(job).toMatchObject({ status: 'done', imported: 2, duplicates: 0 });
    } finally {
      await nodeB.close();
    }
  });

  it('two imports of the same new numbers started together insert each number once', async () => {
    const csv = ['name,phone', ...['51', '52', '53'].map((tail) => `Параллельный ${tail},${phone(tail)}`)].join('\n');
    const [first, second] = await Promise.all([upload(c, 'a.csv', csv), upload(c, 'b.csv', csv)]);
    await Promise.all(
      [first, second].map((p) => c.post(`/api/imports/${p.body.id}/start`, { mapping: { name: 0, phone: 1 } })),
    );
    const jobs = await Promise.all([waitDone(first.body.id), waitDone(second.body.id)]);
    expect(jobs.map((j) => j.imported).sort()).toEqual([0, 3]);
    expect(jobs.map((j) => j.duplicates).sort()).toEqual([0, 3]);
    const [{ n: stored }] = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM contact_phones WHERE e164 = ANY($1)',
      [['51', '52', '53'].map((tail) => `+7916${n}${tail}`)],
    );
    expect(stored).toBe(3);
  });
});
