import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ImportJobDto, type ImportPreviewDto } from '@contracts/dto/import';
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

/**
 * Issue #21 item 13b: duplicates are refused whoever owns the record (one number, one client), but the answer must
 * not hand over what the viewer may not see. A hidden duplicate is reported as "exists, not visible to you": no id,
 * no name, no owner; a visible one may point at the record.
 */
describe('security: duplicate reports do not reveal records the viewer may not see', () => {
  let t: TestApp;
  let op: SeededUser;
  let other: SeededUser;
  let c: ApiClient;
  const tail = String(Math.floor(Math.random() * 90_000) + 10_000);
  const number = (two: string) => `+7925${tail}${two}`;
  let hiddenContact: { id: string; name: string };
  let hiddenLead: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestApp();
    const prefix = suitePrefix('dup');
    op = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    other = await createUser(t.dataSource, `${prefix}-op2`, 'operator');
    c = new ApiClient(t.baseUrl);
    await c.login(op.login, TEST_PASSWORD);
    const stranger = new ApiClient(t.baseUrl);
    await stranger.login(other.login, TEST_PASSWORD);
    const contact = await stranger.post('/api/contacts', {
      name: 'Секретный Клиент',
      phones: [{ raw: number('01') }],
    });
    hiddenContact = contact.body;
    hiddenLead = (await stranger.post('/api/leads', { name: 'Секретный Лид', phone: number('02') })).body;
    expect(hiddenLead.id).toBeTruthy();
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id, other.id]);
    await t.close();
  });

  const revealsNothing = (body: unknown) => {
    const text = JSON.stringify(body);
    for (const secret of [hiddenContact.id, hiddenContact.name, hiddenLead.id, hiddenLead.name, other.id]) {
      expect(text).not.toContain(secret);
    }
  };

  it('import: a number on a contact the importer may not see is "duplicate-not-visible", an own one "duplicate-existing"', async () => {
    const own = await c.post('/api/contacts', { name: 'Свой', phones: [{ raw: number('03') }] });
    expect(own.status).toBe(201);
    const csv = ['name,phone', `Первый,${number('01')}`, `Второй,${number('03')}`, `Третий,${number('04')}`].join('\n');
    const res = await fetch(`${t.baseUrl}/api/imports?fileName=dup.csv`, {
      method: 'POST',
      headers: { 'x-requested-with': 'zvonok', cookie: c.cookie ?? '', 'content-type': 'text/csv' },
      body: csv,
    });
    const preview = (await res.json()) as ImportPreviewDto;
    await c.post(`/api/imports/${preview.id}/start`, { mapping: { name: 0, phone: 1 } });
    let job: ImportJobDto;
    do job = (await c.get<ImportJobDto>(`/api/imports/${preview.id}`)).body;
    while (job.status === 'running');
    expect(job).toMatchObject({ status: 'done', imported: 1, duplicates: 2 });
    expect(job.problems.map((p) => [p.line, p.issues])).toEqual([
      [2, ['duplicate-not-visible']],
      [3, ['duplicate-existing']],
    ]);
    revealsNothing(job);
  });

  it('LEAD_ALREADY_OPEN says the open lead is not visible, without its id, name or owner', async () => {
    const res = await c.post('/api/leads', { phone: number('02') });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'LEAD_ALREADY_OPEN', details: { visible: false } });
    expect(res.body.error.message).toMatch(/not visible to you/);
    revealsNothing(res.body);
  });

  it('LEAD_ALREADY_OPEN for an own open lead names it, so the user can open it', async () => {
    const mine = await c.post('/api/leads', { phone: number('05') });
    expect(mine.status).toBe(201);
    const res = await c.post('/api/leads', { phone: `8 925 ${tail}05` });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ visible: true, leadId: mine.body.id });
  });
});
