import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ChangeCache } from '@server/common/cache/change-cache';
import { type CallProjection } from '@server/common/calls/call-projection';
import { CallCardReadModel } from '@server/modules/calls/call-card.read-model';
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
 * Custom fields end to end over HTTP on the real Postgres: definitions, server-side validation of the values each
 * record stores, list filter, export, import mapping, the pop card, and remove / restore / purge.
 */
describe('custom fields', () => {
  let t: TestApp;
  let admin: ApiClient;
  let operator: ApiClient;
  const users: SeededUser[] = [];
  const tag = Math.random().toString(36).slice(2, 7);
  const key = (name: string) => `${name}_${tag}`;
  const contract = key('contract');
  const tariff = key('tariff');
  const seats = key('seats');
  const fieldIds: string[] = [];

  const define = async (body: Record<string, unknown>) => {
    const res = await admin.post('/api/custom-fields', {
      entity: 'contact',
      labelRu: 'Поле',
      labelEn: 'Field',
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    fieldIds.push(res.body.id);
    return res.body as { id: string; key: string };
  };

  beforeAll(async () => {
    t = await startTestApp();
    const prefix = suitePrefix('cf');
    const a = await createUser(t.dataSource, `${prefix}-admin`, 'admin');
    const o = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    users.push(a, o);
    admin = new ApiClient(t.baseUrl);
    await admin.login(a.login, TEST_PASSWORD);
    operator = new ApiClient(t.baseUrl);
    await operator.login(o.login, TEST_PASSWORD);
    await define({ key: contract, type: 'text', labelRu: 'Номер договора', labelEn: 'Contract number', onCard: true });
    await define({
      key: tariff,
      type: 'select',
      options: [
        { value: 'basic', labelRu: 'Базовый', labelEn: 'Basic' },
        { value: 'pro', labelRu: 'Про', labelEn: 'Pro' },
      ],
    });
    await define({ key: seats, type: 'number' });
  });
  afterAll(async () => {
    // Definitions are global: none may outlive the suite (a required one would break every other contact).
    await t.dataSource.query(`DELETE FROM custom_fields WHERE id = ANY($1)`, [fieldIds]);
    await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [users.map((u) => u.id)]);
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('refuses a key of a built-in column (400), a taken key (409) and options on a text field (400)', async () => {
    const reserved = await admin.post('/api/custom-fields', {
      entity: 'contact',
      key: 'email',
      type: 'text',
      labelRu: 'Почта',
      labelEn: 'Mail',
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.error).toMatchObject({ code: 'CUSTOM_FIELD_KEY_RESERVED', details: { field: 'key' } });
    const dealStage = await admin.post('/api/custom-fields', {
      entity: 'deal',
      key: 'stage',
      type: 'text',
      labelRu: 'Э',
      labelEn: 'S',
    });
    expect(dealStage.body.error.code).toBe('CUSTOM_FIELD_KEY_RESERVED');
    const taken = await admin.post('/api/custom-fields', {
      entity: 'contact',
      key: contract,
      type: 'text',
      labelRu: 'X',
      labelEn: 'X',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CUSTOM_FIELD_KEY_TAKEN');
    const options = await admin.post('/api/custom-fields', {
      entity: 'contact',
      key: key('opt'),
      type: 'text',
      labelRu: 'X',
      labelEn: 'X',
      options: [{ value: 'a', labelRu: 'a', labelEn: 'a' }],
    });
    expect(options.status).toBe(400);
    expect(
      (
        await operator.post('/api/custom-fields', {
          entity: 'contact',
          key: key('op'),
          type: 'text',
          labelRu: 'X',
          labelEn: 'X',
        })
      ).status,
    ).toBe(403);
  });

  it('validates values on the server: wrong type and a select value not in its options are 400s naming the field', async () => {
    const wrongType = await operator.post('/api/contacts', { name: 'Типы', custom: { [seats]: 'двенадцать' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: `custom.${seats}`, message: expect.any(String) }],
    });
    const notAnOption = await operator.post('/api/contacts', { name: 'Тариф', custom: { [tariff]: 'gold' } });
    expect(notAnOption.status).toBe(400);
    expect(notAnOption.body.error.details).toEqual([
      { field: `custom.${tariff}`, message: expect.stringContaining('basic') },
    ]);
    const unknown = await operator.post('/api/contacts', { name: 'Лишнее', custom: { [key('nope')]: 1 } });
    expect(unknown.body.error.details).toEqual([{ field: `custom.${key('nope')}`, message: 'Unknown field' }]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM contacts WHERE name = ANY($1)`, [
      ['Типы', 'Тариф', 'Лишнее'],
    ]);
    expect(n).toBe(0);
  });

  it('a required field must be given when creating and cannot be cleared', async () => {
    const required = await define({ key: key('inn'), type: 'text', required: true });
    try {
      const missing = await operator.post('/api/contacts', { name: 'Без ИНН' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details).toEqual([{ field: `custom.${required.key}`, message: 'required' }]);
      const ok = await operator.post('/api/contacts', { name: 'С ИНН', custom: { [required.key]: '7701' } });
      expect(ok.status).toBe(201);
      const cleared = await operator.patch(`/api/contacts/${ok.body.id}`, { custom: { [required.key]: null } });
      expect(cleared.status).toBe(400);
      // An update that does not touch custom values passes even if the record lacks a field added later.
      expect((await operator.patch(`/api/contacts/${ok.body.id}`, { name: 'С ИНН 2' })).status).toBe(200);
    } finally {
      await admin.delete(`/api/custom-fields/${required.id}`);
    }
  });

  it('stores typed values, filters the list by them, exports them and shows flagged ones on the pop card', async () => {
    const created = await operator.post('/api/contacts', {
      name: `Договорной ${tag}`,
      phones: [{ raw: '+7 916 555-01-02', label: null }],
      custom: { [contract]: `Д-${tag}`, [tariff]: 'pro', [seats]: 12 },
    });
    expect(created.status).toBe(201);
    expect(created.body.custom).toEqual({ [contract]: `Д-${tag}`, [tariff]: 'pro', [seats]: 12 });
    const patched = await operator.patch(`/api/contacts/${created.body.id}`, { custom: { [seats]: null } });
    expect(patched.body.custom).toEqual({ [contract]: `Д-${tag}`, [tariff]: 'pro' });

    const found = await operator.get(`/api/contacts?cfKey=${contract}&cfValue=${encodeURIComponent(`д-${tag}`)}`);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    const bySelect = await operator.get(`/api/contacts?cfKey=${tariff}&cfValue=Про`);
    expect(bySelect.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    expect((await operator.get(`/api/contacts?cfKey=${tariff}`)).status).toBe(400);

    const csv = await fetch(`${t.baseUrl}/api/contacts/export?format=csv&cfKey=${contract}&cfValue=${tag}`, {
      headers: { cookie: operator.cookie! },
    }).then((r) => r.text());
    const [header, row] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header!.split(',')).toEqual(expect.arrayContaining([contract, tariff, seats]));
    expect(row).toContain(`Д-${tag}`);

    const cards = new CallCardReadModel(t.dataSource, new ChangeCache(), t.services.users);
    const call = {
      id: randomUUID(),
      direction: 'inbound',
      queue: null,
      startedAt: new Date().toISOString(),
      fromRaw: '+79165550102',
      fromE164: '+79165550102',
      toRaw: '7000',
      toE164: null,
    } as unknown as CallProjection;
    const card = await cards.card(
      call,
      { kind: 'contact', contactId: created.body.id },
      { id: randomUUID(), role: 'manager' },
    );
    expect(card?.kind === 'contact' && card.contact.custom).toEqual([
      expect.objectContaining({ key: contract, labelEn: 'Contract number', type: 'text', value: `Д-${tag}` }),
    ]);
  });

  it('removing a field hides its values but keeps them; restore brings them back; purge deletes them', async () => {
    const field = await define({ key: key('old'), type: 'checkbox' });
    const contact = (await operator.post('/api/contacts', { name: 'Флажок', custom: { [field.key]: true } })).body.id;
    expect((await admin.delete(`/api/custom-fields/${field.id}`)).body.removedAt).not.toBeNull();
    expect((await operator.get(`/api/contacts/${contact}`)).body.custom).not.toHaveProperty(field.key);
    const [stored] = await t.dataSource.query(`SELECT custom FROM contacts WHERE id = $1`, [contact]);
    expect(stored.custom[field.key]).toBe(true);
    const taken = await admin.post('/api/custom-fields', {
      entity: 'contact',
      key: field.key,
      type: 'text',
      labelRu: 'X',
      labelEn: 'X',
    });
    expect(taken.body.error.code).toBe('CUSTOM_FIELD_KEY_TAKEN');

    await admin.post(`/api/custom-fields/${field.id}/restore`);
    expect((await operator.get(`/api/contacts/${contact}`)).body.custom[field.key]).toBe(true);
    expect((await admin.delete(`/api/custom-fields/${field.id}/values`)).status).toBe(409);
    await admin.delete(`/api/custom-fields/${field.id}`);
    const purged = await admin.delete(`/api/custom-fields/${field.id}/values`);
    expect(purged.body.purged).toBeGreaterThanOrEqual(1);
    const [after] = await t.dataSource.query(`SELECT custom FROM contacts WHERE id = $1`, [contact]);
    expect(after.custom).not.toHaveProperty(field.key);
    expect((await t.dataSource.query(`SELECT 1 FROM custom_fields WHERE id = $1`, [field.id])).length).toBe(0);
  });

  it('imports a mapped custom column, refusing a row whose cell is not a valid value', async () => {
    const file = `name,phone,${contract},${seats}\nИмпорт ${tag},+7 916 555-03-0${tag.length % 10},И-${tag},5\nПлохой ${tag},+7 916 555-04-01,,пять\n`;
    const upload = await operator.request('POST', `/api/imports?fileName=cf.csv`, undefined, {
      rawBody: file,
      headers: { 'content-type': 'text/csv' },
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    expect(upload.body.suggestedCustom).toEqual({ [contract]: 2, [seats]: 3 });
    const started = await operator.post(`/api/imports/${upload.body.id}/start`, {
      mapping: { name: 0, phone: 1, custom: upload.body.suggestedCustom },
    });
    expect(started.status).toBe(202);
    let job = started.body;
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await operator.get(`/api/imports/${upload.body.id}`)).body;
    }
    expect(job).toMatchObject({ status: 'done', imported: 1 });
    expect(job.problems).toEqual([
      expect.objectContaining({ line: 3, issues: ['bad-custom-field'], customFields: [seats] }),
    ]);
    const imported = await operator.get(`/api/contacts?q=${encodeURIComponent(`Импорт ${tag}`)}`);
    expect(imported.body.items[0].custom).toEqual({ [contract]: `И-${tag}`, [seats]: 5 });
  });
});
