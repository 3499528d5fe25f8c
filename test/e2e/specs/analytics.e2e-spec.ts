import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppServer, buildClient, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { launchBrowser } from '@test/support/browser';

/**
 * The analytics page in Chromium over the real server and Postgres. Three calls on Monday 10 February 2003 (UTC):
 * 09:00 answered by operator1 after 10 s, 09:30 abandoned after 30 s, 22:30 answered after 4 s (Tuesday 01:30 in
 * Moscow). The page's figures themselves are checked in test/integration/analytics.int.spec.ts; here: the nav
 * entry by role, the pickers driving the reports, the time zone moving calls between days and hours, exports.
 */
const SCREENSHOTS = join(process.cwd(), 'test-results/screenshots');

describe('analytics page', () => {
  let server: AppServer;
  let browser: Browser;
  let db: pg.Client;
  const ids = [randomUUID(), randomUUID(), randomUUID()];

  const open = async (login: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    const loginPage = new LoginPage(page);
    await loginPage.open(server.baseUrl);
    await loginPage.logIn(login, 'zvonok');
    await page.getByTestId('app-shell').waitFor();
    return page;
  };

  beforeAll(async () => {
    await buildClient();
    server = await startAppServer();
    browser = await launchBrowser();
    db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, queue, operator_id, status, started_at, answered_at,
         ended_at, wait_seconds, talk_seconds, hold_seconds, disposition)
       SELECT v.id::uuid, 'ami', 'inbound', '89160000001', '7000', 'support',
         CASE WHEN v.disp = 'answered' THEN (SELECT id FROM users WHERE login = 'operator1') END, 'ended',
         v.s::timestamptz, CASE WHEN v.disp = 'answered' THEN v.s::timestamptz + make_interval(secs => v.w) END,
         v.s::timestamptz + make_interval(secs => v.w + v.t), v.w, v.t, 0, v.disp
       FROM (VALUES ($1, '2003-02-10T09:00:00Z', 10, 100, 'answered'), ($2, '2003-02-10T09:30:00Z', 30, 0, 'abandoned'),
         ($3, '2003-02-10T22:30:00Z', 4, 60, 'answered')) AS v(id, s, w, t, disp)`,
      ids,
    );
    // Written past the pipeline: the analytics rollups of that day are refreshed as a stored batch would do.
    await db.query(`SELECT zv_analytics_refresh_bins(array(SELECT started_at FROM calls WHERE id = ANY($1)))`, [ids]);
  });

  afterAll(async () => {
    await db?.query(`DELETE FROM calls WHERE id = ANY($1)`, [ids]);
    await db?.end();
    await browser?.close();
    await server?.stop();
  });

  it('a manager picks a day and a zone; the calls move between days and hours', async () => {
    const page = await open('manager');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('analytics-page').waitFor();
    await page.getByTestId('analytics-from').fill('2003-02-10');
    await page.getByTestId('analytics-to').fill('2003-02-10');

    // Moscow (default zone): 12:00 and 12:30 on Monday; the 22:30 UTC call is Tuesday there.
    const offered = page.getByTestId('kpi-offered').locator('.kpi-tile__value');
    await expect.poll(() => page.getByTestId('heat-1-12').textContent()).toBe('2');
    expect(await offered.textContent()).toBe('2');
    await expect.poll(() => page.getByTestId('analytics-operator-row').count()).toBe(1);
    expect(await page.getByTestId('analytics-operator-row').textContent()).toContain('1001');

    await page.getByTestId('analytics-tz').selectOption('UTC');
    await expect.poll(() => page.getByTestId('heat-1-22').textContent()).toBe('1');
    expect(await page.getByTestId('heat-1-9').textContent()).toBe('2');
    expect(await page.getByTestId('heat-1-12').textContent()).toBe('');
    await expect.poll(() => offered.textContent()).toBe('3');

    const csv = page.getByTestId('analytics-export-operators-csv');
    const href = await csv.getAttribute('href');
    // The page asks for the file in its own language.
    expect(href).toBe(
      '/api/analytics/operators?from=2003-02-10&to=2003-02-11&tz=UTC&slSeconds=20&slTarget=80&shortAbandonSeconds=5&format=csv&lang=ru',
    );
    const download = await page.context().request.get(`${server.baseUrl}${href}`);
    expect(download.status()).toBe(200);
    const text = await download.text();
    expect(text).toMatch(/^\uFEFF?Оператор,Внутр\. номер,Обслужено,/);
    expect(text).toMatch(/\r\n[^\r\n]*,1001,2,2,0,160,/);
    expect(await page.getByTestId('analytics-chart').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('analytics-daily-chart').locator('canvas').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'analytics.png'), fullPage: true });
  });

  it('an operator has no analytics entry and the reports refuse them', async () => {
    const page = await open('operator1');
    expect(await page.getByTestId('nav-analytics').count()).toBe(0);
    await page.goto(`${server.baseUrl}/#/analytics`);
    await page.getByTestId('query-error').first().waitFor();
    expect(await page.getByTestId('analytics-kpis').count()).toBe(0);
  });
});
