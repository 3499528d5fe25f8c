import { join } from 'node:path';

import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DealDto } from '@contracts/dto/deal';
import { type ProductDto } from '@contracts/dto/product';
import { type AppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { ShellPage } from '@test/e2e/pages/shell-page';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/**
 * Products (issue #16 item 4) in Debian chromium against the real server and Postgres: a manager adds a product on the
 * Products page, puts it on a deal, and the deal's amount follows its items (and is no longer typed by hand).
 */
describe('products: a manager adds a product and sells it on a deal', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const suffix = String(Math.floor(Math.random() * 90_000) + 10_000);
  const sku = `E2E-${suffix}`;
  let deal: DealDto | undefined;

  const api = async <T>(method: 'get' | 'post' | 'delete', path: string, data?: unknown): Promise<T> => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (res.status() === 204 ? undefined : await res.json()) as T;
  };

  const amountIs = (value: string) =>
    page.waitForFunction(
      (v) => (document.querySelector('[data-testid="deal-amount-input"]') as HTMLInputElement | null)?.value === v,
      value,
    );

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1440, height: 900 });
    ({ server, context, page, pageErrors } = session);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('manager', 'zvonok');
    await new ShellPage(page).root().waitFor();
  });

  afterAll(async () => {
    const ds = session?.dataSource;
    if (ds) {
      await ds.query(`DELETE FROM deals WHERE id = $1`, [deal?.id ?? null]);
      await ds.query(`DELETE FROM products WHERE sku = $1`, [sku]);
    }
    await session?.close();
  });

  it('adds a product on the Products page', async () => {
    await new ShellPage(page).nav('products').click();
    await page.getByTestId('product-new').click();
    await page.getByTestId('product-name-input').fill(`Кресло офисное ${suffix}`);
    await page.getByTestId('product-sku-input').fill(sku);
    await page.getByTestId('product-price-input').fill('12 500,50');
    await page.getByTestId('product-save').click();
    await page.getByTestId('products-search').fill(sku);
    await page.getByTestId('product-row').filter({ hasText: sku }).waitFor();
    expect(await page.getByTestId('product-row').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'products.png') });

    // The same SKU again is refused with its own text, and nothing is added.
    await page.getByTestId('product-new').click();
    await page.getByTestId('product-name-input').fill('Дубль');
    await page.getByTestId('product-sku-input').fill(sku.toLowerCase());
    await page.getByTestId('product-price-input').fill('1');
    await page.getByTestId('product-save').click();
    await page.getByTestId('product-form-error').waitFor();
    expect(await page.getByTestId('product-form-error').textContent()).toContain('артикул');
  });

  it("puts the product on a deal; the deal's amount follows the items", async () => {
    const [product] = (await api<{ items: ProductDto[] }>('get', `/api/products?q=${sku}`)).items;
    expect(product?.price).toBe('12500.50');
    deal = await api<DealDto>('post', '/api/deals', { title: `Офис под ключ ${suffix}`, amount: '1000' });
    await page.goto(`${server.baseUrl}/#/deals/${deal.id}`);
    await amountIs('1000.00');
    await page.getByTestId('deal-item-product').selectOption(product!.id);
    await page.getByTestId('deal-item-quantity-new').fill('3');
    await page.getByTestId('deal-item-add').click();
    await page.getByTestId('deal-item-row').waitFor();
    await amountIs('37501.50');
    expect(await page.getByTestId('deal-amount-input').getAttribute('readonly')).not.toBeNull();
    // Line totals keep their kopeks (the deal's header rounds to whole roubles, as every total does).
    expect(await page.getByTestId('deal-item-total').textContent()).toMatch(/37[\s\u00a0\u202f]?501,50/);
    await page.screenshot({ path: join(SCREENSHOTS, 'deal-items.png') });

    // One fewer: the amount follows again, on the server too.
    const quantity = page.getByTestId('deal-item-quantity');
    await quantity.fill('2');
    await quantity.blur();
    await amountIs('25001.00');
    expect((await api<DealDto>('get', `/api/deals/${deal.id}`)).amount).toBe('25001.00');
    expect(pageErrors).toEqual([]);
  });
});
