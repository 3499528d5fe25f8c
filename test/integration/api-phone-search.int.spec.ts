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

describe('phone search in any format (real Postgres)', () => {
  let t: TestApp;
  let user: SeededUser;
  let c: ApiClient;
  let contactId: string;

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t.dataSource, `${suitePrefix('phone')}-op`, 'operator');
    c = new ApiClient(t.baseUrl);
    await c.login(user.login, TEST_PASSWORD);
    // A number unlikely to be used by other suites.
    const created = await c.post('/api/contacts', {
      name: 'Телефонный Контакт',
      phones: [{ raw: '8 (917) 431-86-29', label: 'mobile' }, { raw: '+7 495 431-86-30' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.phones).toEqual([
      { raw: '8 (917) 431-86-29', e164: '+79174318629', label: 'mobile' },
      { raw: '+7 495 431-86-30', e164: '+74954318630', label: null },
    ]);
    contactId = created.body.id;
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [user.id]);
    await t.close();
  });

  it.each([
    '+79174318629',
    '+7 917 431-86-29',
    '89174318629',
    '8 917 431 86 29',
    '8-917-431-86-29',
    '7 (917) 4318629',
    '9174318629',
    '+7 (495) 431-86-30',
  ])('finds the contact by %j', async (q) => {
    const res = await c.get(`/api/contacts?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([contactId]);
  });

  it('falls back to the last ten digits for a number stored in an odd form', async () => {
    const odd = await c.post('/api/contacts', { name: 'Странный номер', phones: [{ raw: '007 917 431 86 28' }] });
    expect(odd.status).toBe(201);
    const res = await c.get(`/api/contacts?q=${encodeURIComponent('8 917 431-86-28')}`);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([odd.body.id]);
  });

  it('does not match a different number', async () => {
    const res = await c.get(`/api/contacts?q=${encodeURIComponent('+7 917 431-86-27')}`);
    expect(res.body.total).toBe(0);
  });

  it('ContactsService.findByPhone resolves a caller for the call pipeline', async () => {
    const found = await t.services.contacts.findByPhone('89174318629');
    expect(found.map((f) => f.id)).toEqual([contactId]);
  });
});
