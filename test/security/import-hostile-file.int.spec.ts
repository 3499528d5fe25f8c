import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { IMPORT_MAX_COLUMNS, IMPORT_MAX_ROWS } from '@contracts/dto/import';
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
import {
  commaCsv,
  emptyRowsBombXlsx,
  farColumnXlsx,
  normalCsv,
  normalXlsx,
  sharedStringsBombXlsx,
  wideCsv,
} from '@test/support/hostile-files';

/**
 * Issue #21 item 1: any operator could stall the server with a small import file. The parse now runs in a worker
 * thread with a memory and time limit and refuses too many columns or rows while it reads, so a hostile file gets
 * a small 4xx and the server keeps answering.
 */
describe('security: hostile import files are refused while parsing, in a worker, with small answers', () => {
  let t: TestApp;
  let op: SeededUser;
  let c: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    op = await createUser(t.dataSource, `${suitePrefix('hostile')}-op`, 'operator');
    c = new ApiClient(t.baseUrl);
    await c.login(op.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id]);
    await t.close();
  });

  const upload = async (fileName: string, body: Buffer) => {
    const res = await fetch(`${t.baseUrl}/api/imports?fileName=${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: { 'x-requested-with': 'zvonok', cookie: c.cookie ?? '', 'content-type': 'application/octet-stream' },
      body: new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Record<string, any> };
  };
  const jobs = async () =>
    Number((await t.dataSource.query('SELECT count(*) AS n FROM import_jobs WHERE owner_id = $1', [op.id]))[0].n);

  it('a 15 KB XLSX with one cell per row in column XFD: 400 naming the column cap, no job, a small answer', async () => {
    const file = await farColumnXlsx();
    expect(file.length).toBeLessThan(20_000);
    const res = await upload('w.xlsx', file);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { reason: 'IMPORT_TOO_MANY_COLUMNS', maxColumns: IMPORT_MAX_COLUMNS, line: 1 },
    });
    expect(res.bytes).toBeLessThan(1_000);
    expect(await jobs()).toBe(0);
  });

  it('a 1 MB CSV of commas gets a preview of its real columns, not a million empty ones', async () => {
    const res = await upload('commas.csv', commaCsv());
    expect(res.status).toBe(201);
    expect(res.body.columns).toEqual(['name', 'phone']);
    expect(res.body.sample).toEqual([['Иван Запятых', '+79160000000']]);
    expect(res.bytes).toBeLessThan(2_000);
  });

  it('a 4 MB cell is cut in the preview (the file is kept whole for the import)', async () => {
    const res = await upload('long.csv', Buffer.from(`name,phone\n${'Я'.repeat(2_000_000)},+79160000000\n`));
    expect(res.status).toBe(201);
    expect(res.body.sample[0][0]).toBe(`${'Я'.repeat(200)}…`);
    expect(res.bytes).toBeLessThan(2_000);
  });

  it(`a CSV with a value in column ${IMPORT_MAX_COLUMNS + 1} is refused; ${IMPORT_MAX_COLUMNS} columns are fine`, async () => {
    const wide = await upload('wide.csv', wideCsv(IMPORT_MAX_COLUMNS + 1));
    expect(wide.status).toBe(400);
    expect(wide.body.error.details).toEqual({
      reason: 'IMPORT_TOO_MANY_COLUMNS',
      maxColumns: IMPORT_MAX_COLUMNS,
      line: 1,
    });
    const widest = await upload('widest.csv', wideCsv(IMPORT_MAX_COLUMNS));
    expect(widest.status).toBe(201);
    expect(widest.body.columns).toHaveLength(IMPORT_MAX_COLUMNS);
  });

  it('one row over the cap is refused with 413, for CSV and XLSX', async () => {
    for (const [name, file] of [
      ['rows.csv', normalCsv(IMPORT_MAX_ROWS + 1)],
      ['rows.xlsx', await normalXlsx(IMPORT_MAX_ROWS + 1)],
    ] as const) {
      const res = await upload(name, file);
      expect(res.status, name).toBe(413);
      expect(res.body.error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        details: { reason: 'IMPORT_TOO_MANY_ROWS', maxRows: IMPORT_MAX_ROWS },
      });
    }
  });

  it('a shared-strings bomb (3.5 MB → 1.5 GiB) hits the worker’s memory limit: 413, and /healthz answers meanwhile', async () => {
    const bomb = sharedStringsBombXlsx(1.5);
    const order: string[] = [];
    const uploaded = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${t.baseUrl}/api/imports?fileName=bomb.xlsx`,
        {
          method: 'POST',
          headers: {
            'x-requested-with': 'zvonok',
            cookie: c.cookie ?? '',
            'content-type': 'application/octet-stream',
            'content-length': bomb.length,
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            order.push('upload');
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      // Once the whole file is on the wire, the server is reading or parsing it: ask for /healthz then.
      req.end(bomb, () => {
        void fetch(`${t.baseUrl}/healthz`).then((health) => {
          order.push(`healthz ${health.status}`);
        }, reject);
      });
    });
    const res = await uploaded;
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { reason: 'IMPORT_TOO_COMPLEX', limit: 'memory' },
    });
    expect(order).toEqual(['healthz 200', 'upload']);

    // The node is still whole: an ordinary file right after goes through.
    const after = await upload('after.csv', normalCsv(3));
    expect(after.status).toBe(201);
    expect(after.body.rowCount).toBe(3);
  });

  it('a sheet of 1.5 GiB of empty rows, stored before the shared strings, is stopped at the unpacked-size cap', async () => {
    const res = await upload('rows.xlsx', emptyRowsBombXlsx(1.5));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { reason: 'IMPORT_TOO_COMPLEX', limit: 'unpacked' },
    });
  });
});
