import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

describe('input validation and hostile input (real Postgres)', () => {
  let t: TestApp;
  let user: SeededUser;
  let c: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t.dataSource, `${suitePrefix('valid')}-op`, 'operator');
    c = new ApiClient(t.baseUrl);
    await c.login(user.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [user.id]);
    await t.close();
  });

  const stillUp = async () => expect((await c.get('/api/auth/me')).status).toBe(200);

  it('400 VALIDATION_FAILED names the bad fields', async () => {
    const res = await c.post('/api/contacts', { name: '', email: 'not-an-email', phones: [{ raw: 'abc' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'name', 'phones.0.raw']);
  });

  it('rejects unknown fields (strict bodies) and unknown query parameters', async () => {
    const res = await c.post('/api/contacts', { name: 'Ok', isAdmin: true, ownerId: user.id });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'isAdmin', message: 'Unknown field' }]);
    const q = await c.get('/api/contacts?limit=5&sort=evil');
    expect(q.status).toBe(400);
    expect(q.body.error.details[0].field).toBe('sort');
    const badLimit = await c.get('/api/contacts?limit=100000');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.details[0].field).toBe('limit');
  });

  it('400 on a malformed id in the path', async () => {
    const res = await c.get('/api/contacts/1%27%20OR%201=1');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('id');
  });

  it('400 MALFORMED_JSON for broken JSON', async () => {
    const res = await c.post('/api/contacts', undefined, { rawBody: '{"name": "x",' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'MALFORMED_JSON', message: expect.any(String) } });
    await stillUp();
  });

  it('413 PAYLOAD_TOO_LARGE for a body over 100kb', async () => {
    const res = await c.post('/api/contacts', { name: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    await stillUp();
  });

  it('treats SQL-looking search text as text', async () => {
    const created = await c.post('/api/contacts', { name: "O'Brien -- 100% _real_" });
    expect(created.status).toBe(201);
    expect((await c.post('/api/contacts', { name: 'Plain Name' })).status).toBe(201);
    const ids = async (q: string) => {
      const res = await c.get(`/api/contacts?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body.items.map((i: { id: string }) => i.id);
    };
    expect(await ids("' OR 1=1 --")).toEqual([]);
    expect(await ids("'; DROP TABLE contacts; --")).toEqual([]);
    expect(await ids('\\')).toEqual([]);
    // Wildcards are literal: '%' and '_' match only the name that contains them, not everything.
    expect(await ids('%')).toEqual([created.body.id]);
    expect(await ids('_')).toEqual([created.body.id]);
    const exact = await c.get(`/api/contacts?q=${encodeURIComponent("O'Brien -- 100%")}`);
    expect(exact.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
    await stillUp();
  });

  it('keeps emoji and Cyrillic names intact; rejects control characters', async () => {
    const name = 'Ёлка 🎄 Иванова‍👩‍💻';
    const created = await c.post('/api/contacts', { name, tags: ['🔥'] });
    expect(created.status).toBe(201);
    const fetched = await c.get(`/api/contacts/${created.body.id}`);
    expect(fetched.body.name).toBe(name);
    expect(fetched.body.tags).toEqual(['🔥']);
    const bad = await c.post('/api/contacts', { name: 'a\u0000b' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('name');
  });

  it('404 in the error shape for unknown API routes', async () => {
    const res = await c.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('400 when a referenced record does not exist', async () => {
    const res = await c.post('/api/contacts', { name: 'X', companyId: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('COMPANY_NOT_FOUND');
  });
});
