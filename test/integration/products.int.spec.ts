import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DealItemsDto } from '@contracts/dto/deal';
import { type ProductDto, type ProductImportResultDto } from '@contracts/dto/product';
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

/**
 * Products (issue #16 item 4) on the real Postgres: the catalogue's CRUD and roles, SKU uniqueness (any case, a clear
 * 409), deal line items with the deal's amount computed from them, and the CSV/XLSX import and CSV export.
 */
describe('products: catalogue, deal line items, import and export', () => {
  let t: TestApp;
  const users = {} as Record<'admin' | 'manager' | 'operator' | 'other', SeededUser>;
  const api = {} as Record<keyof typeof users, ApiClient>;
  const p = suitePrefix('prod');
  /** SKUs unique to this run. */
  const sku = (s: string) => `${p}-${s}`.toUpperCase();

  const upload = async (client: ApiClient, fileName: string, body: Uint8Array<ArrayBuffer> | string) => {
    const res = await fetch(`${t.baseUrl}/api/products/import?fileName=${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: {
        'x-requested-with': 'zvonok',
        cookie: client.cookie ?? '',
        'content-type': 'application/octet-stream',
      },
      body,
    });
    return { status: res.status, body: (await res.json()) as ProductImportResultDto & { error?: { code: string } } };
  };

  const product = async (s: string, price: number | string, extra: Record<string, unknown> = {}) => {
    const res = await api.manager.post<ProductDto>('/api/products', {
      name: `Товар ${s}`,
      sku: sku(s),
      price,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    for (const [key, role] of [
      ['admin', 'admin'],
      ['manager', 'manager'],
      ['operator', 'operator'],
      ['other', 'operator'],
    ] as const) {
      users[key] = await createUser(t.dataSource, `${p}-${key}`, role);
      api[key] = new ApiClient(t.baseUrl);
      await api[key].login(`${p}-${key}`, TEST_PASSWORD);
    }
  });

  afterAll(async () => {
    if (!t) return;
    const ids = Object.values(users).map((u) => u.id);
    // Deals first (their items go with them), then this run's products.
    await t.dataSource.query(`DELETE FROM deals WHERE owner_id = ANY($1)`, [ids]);
    await t.dataSource.query(`DELETE FROM products WHERE sku ILIKE $1`, [`${p}-%`]);
    await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [ids]);
    await deleteUsers(t.dataSource, ids);
    await t.close();
  });

  it('a manager creates, lists, changes and deletes a product; RUB and active by default', async () => {
    const created = await product('crud', '1500.5');
    expect(created).toMatchObject({ sku: sku('crud'), price: '1500.50', currency: 'RUB', active: true });
    const list = await api.operator.get<{ items: ProductDto[]; total: number }>(`/api/products?q=${sku('crud')}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.id)).toEqual([created.id]);
    const changed = await api.admin.patch<ProductDto>(`/api/products/${created.id}`, { price: 0, active: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ price: '0.00', active: false, name: created.name });
    const inactive = await api.operator.get<{ items: ProductDto[] }>(`/api/products?q=${sku('crud')}&active=true`);
    expect(inactive.body.items).toEqual([]);
    expect((await api.manager.delete(`/api/products/${created.id}`)).status).toBe(204);
    expect((await api.operator.get(`/api/products/${created.id}`)).body.error.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('operators read the catalogue but may not change it', async () => {
    const mine = await product('ro', 10);
    expect((await api.operator.get(`/api/products/${mine.id}`)).status).toBe(200);
    const refused = await api.operator.post('/api/products', { name: 'x', sku: sku('op'), price: 1 });
    expect(refused.status).toBe(403);
    expect((await api.operator.patch(`/api/products/${mine.id}`, { price: 1 })).status).toBe(403);
    expect((await api.operator.delete(`/api/products/${mine.id}`)).status).toBe(403);
    expect((await api.operator.get(`/api/products/${mine.id}`)).body.price).toBe('10.00');
  });

  it('an SKU is unique whatever its case: a clear 409 naming the field, and nothing is written', async () => {
    const first = await product('dup', 5);
    const again = await api.manager.post('/api/products', {
      name: 'Другой',
      sku: sku('dup').toLowerCase(),
      price: 7,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'PRODUCT_SKU_TAKEN', details: { field: 'sku' } });
    const other = await product('dup2', 5);
    const renamed = await api.manager.patch(`/api/products/${other.id}`, { sku: first.sku });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error.code).toBe('PRODUCT_SKU_TAKEN');
    const rows = await t.dataSource.query(`SELECT sku FROM products WHERE lower(sku) = lower($1)`, [first.sku]);
    expect(rows).toEqual([{ sku: first.sku }]);
  });

  it('a negative price, a bad currency or an SKU with spaces is a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ price: -1 }, 'price'],
      [{ price: '1.234' }, 'price'],
      [{ currency: 'rub' }, 'currency'],
      [{ sku: 'A B' }, 'sku'],
    ] as const) {
      const res = await api.manager.post('/api/products', { name: 'Плохой', sku: sku('bad'), price: 1, ...body });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it("a deal's amount follows its items; the price is copied at add time; by hand only without items", async () => {
    const a = await product('item-a', '1000.00');
    const b = await product('item-b', '250.50');
    const deal = (await api.operator.post('/api/deals', { title: `Сделка ${p}`, amount: 99 })).body;
    expect(deal.amount).toBe('99.00');

    const add = await api.operator.post<DealItemsDto>(`/api/deals/${deal.id}/items`, { productId: a.id, quantity: 2 });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({ amount: '2000.00', currency: 'RUB' });
    const both = await api.operator.post<DealItemsDto>(`/api/deals/${deal.id}/items`, { productId: b.id, quantity: 3 });
    expect(both.body.amount).toBe('2751.50');
    expect(both.body.items.map((i) => [i.sku, i.quantity, i.unitPrice, i.total])).toEqual([
      [a.sku, 2, '1000.00', '2000.00'],
      [b.sku, 3, '250.50', '751.50'],
    ]);
    expect((await api.operator.get(`/api/deals/${deal.id}`)).body.amount).toBe('2751.50');

    // A later price change leaves the item at the price it was added at.
    await api.manager.patch(`/api/products/${a.id}`, { price: 5 });
    const item = both.body.items[0]!;
    const changed = await api.operator.patch<DealItemsDto>(`/api/deals/${deal.id}/items/${item.id}`, { quantity: 1 });
    expect(changed.body.amount).toBe('1751.50');
    expect(changed.body.items[0]!.unitPrice).toBe('1000.00');

    // While there are items the amount is theirs: a different one by hand is refused, the same one passes.
    const byHand = await api.operator.patch(`/api/deals/${deal.id}`, { amount: 1 });
    expect(byHand.status).toBe(409);
    expect(byHand.body.error).toMatchObject({ code: 'DEAL_AMOUNT_FROM_ITEMS', details: { field: 'amount' } });
    expect((await api.operator.patch(`/api/deals/${deal.id}`, { amount: '1751.5', title: 'Т' })).status).toBe(200);

    // A product on a deal cannot be deleted; deactivated, it cannot be added again.
    expect((await api.manager.delete(`/api/products/${a.id}`)).body.error.code).toBe('PRODUCT_IN_USE');
    await api.manager.patch(`/api/products/${a.id}`, { active: false });
    const inactive = await api.operator.post(`/api/deals/${deal.id}/items`, { productId: a.id });
    expect(inactive.body.error.code).toBe('PRODUCT_INACTIVE');

    // Removing the items one by one: the amount follows to the last one's total, then stays, typed by hand again.
    const [first, last] = changed.body.items;
    expect((await api.operator.delete(`/api/deals/${deal.id}/items/${first!.id}`)).body.amount).toBe('751.50');
    expect((await api.operator.delete(`/api/deals/${deal.id}/items/${last!.id}`)).body.amount).toBe('751.50');
    const empty = await api.operator.get<DealItemsDto>(`/api/deals/${deal.id}/items`);
    expect(empty.body).toEqual({ items: [], amount: '751.50', currency: 'RUB' });
    expect((await api.operator.patch(`/api/deals/${deal.id}`, { amount: 10 })).body.amount).toBe('10.00');
  });

  it("items follow the deal's visibility and currency; an unknown product is a 400", async () => {
    const usd = await product('usd', 10, { currency: 'USD' });
    const rub = await product('rub', 10);
    const deal = (await api.operator.post('/api/deals', { title: `Чужая ${p}` })).body;
    expect((await api.other.post(`/api/deals/${deal.id}/items`, { productId: rub.id })).status).toBe(404);
    expect((await api.other.get(`/api/deals/${deal.id}/items`)).status).toBe(404);
    const unknown = await api.operator.post(`/api/deals/${deal.id}/items`, { productId: deal.id });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'LINKED_ENTITY_NOT_FOUND', details: { field: 'productId' } });
    // The first item sets the currency of a deal without items; another currency after it is refused.
    const first = await api.operator.post<DealItemsDto>(`/api/deals/${deal.id}/items`, { productId: usd.id });
    expect(first.body).toMatchObject({ amount: '10.00', currency: 'USD' });
    const mixed = await api.operator.post(`/api/deals/${deal.id}/items`, { productId: rub.id });
    expect(mixed.body.error.code).toBe('DEAL_ITEM_CURRENCY');
    expect((await api.operator.get(`/api/deals/${deal.id}/items`)).body.items).toHaveLength(1);
  });

  it('imports a CSV price list (new SKUs added, known ones updated, bad lines reported) and exports it back', async () => {
    const known = await product('imp-known', 1);
    const csv = [
      'Название;Артикул;Цена;Валюта;Активен',
      `Известный;${known.sku.toLowerCase()};"1 200,50";RUB;да`,
      `Новый;${sku('imp-new')};300;;`,
      `Без цены;${sku('imp-noprice')};;;`,
      `Повтор;${sku('imp-new')};1;;`,
      `Отрицательный;${sku('imp-neg')};-5;;`,
    ].join('\r\n');
    expect((await upload(api.operator, 'price.csv', csv)).status).toBe(403);
    const res = await upload(api.manager, 'price.csv', csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      created: 1,
      updated: 1,
      problems: [
        { line: 4, fields: ['price'] },
        { line: 5, fields: ['sku'] },
        { line: 6, fields: ['price'] },
      ],
    });
    expect((await api.operator.get(`/api/products/${known.id}`)).body).toMatchObject({
      name: 'Известный',
      price: '1200.50',
      sku: known.sku.toLowerCase(),
    });

    const exported = await fetch(`${t.baseUrl}/api/products/export`, {
      headers: { cookie: api.operator.cookie ?? '' },
    });
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await exported.arrayBuffer());
    // The BOM Excel needs to read UTF-8 (fetch's text() would drop it).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('name,sku,price,currency,active');
    expect(text).toContain(`Новый,${sku('imp-new')},300.00,RUB,yes`);
    // The export re-imports as it is: every row known, nothing created.
    const ours = text
      .split('\r\n')
      .filter((line, i) => i === 0 || line.includes(p.toUpperCase()) || line.includes(p))
      .join('\r\n');
    const again = await upload(api.manager, 'export.csv', ours);
    expect(again.body).toMatchObject({ created: 0, problems: [] });
    expect(again.body.updated).toBeGreaterThanOrEqual(2);
  });

  it('imports an XLSX; a file without the sku column is refused naming what is missing', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Прайс');
    sheet.addRow(['name', 'sku', 'price', 'active']);
    sheet.addRow(['Из Excel', sku('xlsx'), 42.5, 'no']);
    const res = await upload(api.admin, 'price.xlsx', new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(res.body).toEqual({ created: 1, updated: 0, problems: [] });
    const list = await api.operator.get<{ items: ProductDto[] }>(`/api/products?q=${sku('xlsx')}`);
    expect(list.body.items[0]).toMatchObject({ price: '42.50', active: false, currency: 'RUB' });

    const missing = await upload(api.admin, 'bad.csv', 'name,price\r\nБез артикула,1');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'PRODUCT_IMPORT_COLUMNS', details: { missing: ['sku'] } });
  });
});
