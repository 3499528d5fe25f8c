import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SearchResultDto } from '@contracts/dto/search';
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

/** Seven random digits no other suite is likely to hold: `9xx` operator code plus a unique tail. */
const tail = () => String(Math.floor(1_000_000 + Math.random() * 8_999_999));

describe('global search and list sorting (real Postgres, pg_trgm)', () => {
  let t: TestApp;
  let op: SeededUser;
  let other: SeededUser;
  let sup: SeededUser;
  let c: ApiClient;
  let otherClient: ApiClient;
  let supClient: ApiClient;
  const digits = tail();
  const national = `916${digits}`;
  const dashed = `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
  const ids = { elkina: '', petrov: '', company: '', deal: '', lead: '', hidden: '' };

  const search = async (client: ApiClient, q: string): Promise<SearchResultDto> => {
    const res = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as SearchResultDto;
  };
  const contactIds = (r: SearchResultDto) => r.contacts.items.map((i) => i.id);

  beforeAll(async () => {
    t = await startTestApp();
    const prefix = suitePrefix('search');
    op = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    other = await createUser(t.dataSource, `${prefix}-other`, 'operator');
    sup = await createUser(t.dataSource, `${prefix}-sup`, 'supervisor');
    c = new ApiClient(t.baseUrl);
    await c.login(op.login, TEST_PASSWORD);
    otherClient = new ApiClient(t.baseUrl);
    await otherClient.login(other.login, TEST_PASSWORD);
    supClient = new ApiClient(t.baseUrl);
    await supClient.login(sup.login, TEST_PASSWORD);

    const post = async (client: ApiClient, path: string, body: unknown) => {
      const res = await client.post(path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    ids.company = await post(c, '/api/companies', { name: `ООО «Ромашка ${digits}»`, phone: `+7 495 ${dashed}` });
    ids.elkina = await post(c, '/api/contacts', {
      name: `Ёлкина ${digits} Анна`,
      email: `anna.${digits}@example.ru`,
      companyId: ids.company,
      phones: [{ raw: `8 (${national.slice(0, 3)}) ${dashed}` }],
    });
    ids.petrov = await post(c, '/api/contacts', {
      name: `Петров Ёжик ${digits}`,
      phones: [{ raw: `+7 903 ${dashed}` }],
    });
    ids.deal = await post(c, '/api/deals', { title: `Поставка ёлок ${digits}`, contactId: ids.elkina });
    ids.lead = await post(c, '/api/leads', { name: `Лид ${digits}`, phone: `+7 926 ${dashed}` });
    ids.hidden = await post(otherClient, '/api/contacts', {
      name: `Ёлкина ${digits} Чужая`,
      phones: [{ raw: `+7 916 ${dashed.replace(/^\d/, '0')}` }],
    });
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id, other.id, sup.id]);
    await t.close();
  });

  it.each([`8 916 ${dashed}`, `+7 (916) ${digits}`, `8916${digits}`, national])(
    'finds the contact by the whole number %j, marked exact',
    async (q) => {
      const r = await search(c, q);
      expect(r.contacts.items[0]).toMatchObject({ id: ids.elkina, exact: true, companyName: expect.any(String) });
    },
  );

  it('finds by partial numbers: the code, the last seven digits with dashes, the last four', async () => {
    expect(contactIds(await search(c, `916${digits.slice(0, 2)}`))).toEqual([ids.elkina]);
    // The last seven digits belong to both contacts and to the company and the lead.
    const seven = await search(c, dashed);
    expect(contactIds(seven).sort()).toEqual([ids.elkina, ids.petrov].sort());
    expect(seven.contacts.items.every((i) => !i.exact)).toBe(true);
    expect(seven.companies.items.map((i) => i.id)).toEqual([ids.company]);
    expect(seven.leads.items.map((i) => i.id)).toEqual([ids.lead]);
    expect(contactIds(await search(c, digits.slice(-4))).sort()).toEqual([ids.elkina, ids.petrov].sort());
  });

  it('folds case and ё: "елкина" and "ЕЛКИНА" find Ёлкина; "ежик" finds Ёжик', async () => {
    expect(contactIds(await search(c, 'елкина'))).toEqual([ids.elkina]);
    expect(contactIds(await search(c, `ЕЛКИНА ${digits} АННА`))).toEqual([ids.elkina]);
    expect(contactIds(await search(c, `ежик ${digits}`))).toEqual([ids.petrov]);
  });

  it('finds e-mails, companies and deal titles, each in its own group', async () => {
    expect(contactIds(await search(c, `anna.${digits}@`))).toEqual([ids.elkina]);
    const company = await search(c, `ромашка ${digits}`);
    expect(company.companies.items).toEqual([
      { id: ids.company, name: `ООО «Ромашка ${digits}»`, inn: null, phoneE164: `+7495${digits}` },
    ]);
    const deal = await search(c, `поставка елок ${digits}`);
    expect(deal.deals.items).toEqual([
      expect.objectContaining({ id: ids.deal, stage: 'new', contactName: `Ёлкина ${digits} Анна` }),
    ]);
    expect(deal.contacts.items).toEqual([]);
  });

  it('respects what the viewer may see: another operator’s contact is found by its owner and a supervisor only', async () => {
    expect(contactIds(await search(c, `${digits} чужая`))).toEqual([]);
    expect(contactIds(await search(otherClient, `${digits} чужая`))).toEqual([ids.hidden]);
    const all = await search(supClient, `елкина ${digits}`);
    expect(contactIds(all).sort()).toEqual([ids.elkina, ids.hidden].sort());
    expect(all.contacts.total).toBe(2);
  });

  it('treats wildcards as text and refuses an empty or overlong query with the error shape', async () => {
    expect((await search(c, '%%%')).contacts.items.filter((i) => i.id === ids.elkina)).toEqual([]);
    for (const q of ['', ' ', 'я', 'x'.repeat(101)]) {
      const res = await c.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'q' }] });
    }
  });

  it('the contacts list takes the same partial numbers and е/ё, and sorts by its columns', async () => {
    const list = async (query: string) => {
      const res = await c.get(`/api/contacts?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as { id: string }[]).map((i) => i.id);
    };
    expect(await list(`q=${encodeURIComponent(dashed)}&sort=name`)).toEqual([ids.elkina, ids.petrov]);
    expect(await list(`q=${encodeURIComponent(dashed)}&sort=name&dir=desc`)).toEqual([ids.petrov, ids.elkina]);
    // Ёлкина has a company, Петров none: empty values sort last either way.
    expect(await list(`q=${encodeURIComponent(dashed)}&sort=company`)).toEqual([ids.elkina, ids.petrov]);
    expect(await list(`q=${encodeURIComponent(dashed)}&sort=company&dir=desc`)).toEqual([ids.elkina, ids.petrov]);
    expect(await list(`q=${encodeURIComponent('елкина')}`)).toEqual([ids.elkina]);
    const bad = await c.get('/api/contacts?sort=phones');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'sort' })]);
  });

  it('deals, leads, companies and tasks lists sort too (stage in pipeline order)', async () => {
    const second = (await c.post('/api/deals', { title: `Аренда ${digits}`, stage: 'won', amount: 5 })).body.id;
    const titles = async (query: string) =>
      ((await c.get(`/api/deals?${query}`)).body.items as { id: string }[]).map((i) => i.id);
    expect(await titles(`q=${digits}&sort=title`)).toEqual([second, ids.deal]);
    expect(await titles(`q=${digits}&sort=stage`)).toEqual([ids.deal, second]);
    expect(await titles(`q=${digits}&sort=stage&dir=desc`)).toEqual([second, ids.deal]);
    expect(await titles(`q=${digits}&sort=amount`)).toEqual([second, ids.deal]);
    const leads = await c.get(`/api/leads?q=${encodeURIComponent(dashed)}&sort=name`);
    expect(leads.body.items.map((l: { id: string }) => l.id)).toEqual([ids.lead]);
    const companies = await c.get(`/api/companies?q=${encodeURIComponent(`ромашка ${digits}`)}&sort=inn&dir=desc`);
    expect(companies.body.items.map((co: { id: string }) => co.id)).toEqual([ids.company]);
    const tasks = await c.get('/api/tasks?sort=title&dir=desc');
    expect(tasks.status).toBe(200);
  });
});
