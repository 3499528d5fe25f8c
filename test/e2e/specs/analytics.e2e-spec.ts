import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { launchBrowser } from '@test/support/browser';

/**
 * The analytics page in Chromium over the real server and Postgres. Three calls on Monday 10 February 2003 (UTC):
 * 09:00 answered by operator1 after 10 s, 09:30 abandoned after 30 s, 22:30 answered after 4 s (Tuesday 01:30 in
 * Moscow). The page's figures themselves are checked in test/integration/analytics.int.spec.ts; here: the nav
 * entry by role, the pickers driving the reports, the time zone moving calls between days and hours, exports.
 * An outbound campaign dialled one customer that day (busy at 10:00, answered at 11:00 UTC) whose contact got a deal
 * the next day: the campaigns section shows its attempts, contact and conversion (every figure of that report is
 * checked in test/integration/analytics-campaigns.int.spec.ts).
 */
const SCREENSHOTS = join(process.cwd(), 'test-results/screenshots');

describe('analytics page', () => {
  let server: AppServer;
  let browser: Browser;
  let db: pg.Client;
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const tag = randomUUID().slice(0, 8);
  const campaignName = `Реактивация ${tag}`;
  const customer = `+7912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  const open = async (login: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    const loginPage = new LoginPage(page);
    await loginPage.open(server.baseUrl);
    await loginPage.logIn(login, 'zvonok');
    await page.getByTestId('app-shell').waitFor();
    return page;
  };

  beforeAll(async () => {
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
    await db.query(
      `SELECT zv_analytics_refresh_bins(b), zv_analytics_refresh_operator_bins(b)
       FROM (SELECT array(SELECT started_at FROM calls WHERE id = ANY($1)) AS b) x`,
      [ids],
    );
    await db.query(
      `WITH k AS (INSERT INTO contacts (name) VALUES ($2) RETURNING id),
         p AS (INSERT INTO contact_phones (contact_id, raw, e164, last10) SELECT id, $3, $3, right($3, 10) FROM k),
         d AS (INSERT INTO deals (title, contact_id, created_at) SELECT $2, id, '2003-02-11T12:00:00Z' FROM k),
         c AS (INSERT INTO campaigns (name, mode, caller_id, call_window, retry_rules, dispositions, status)
               VALUES ($1, 'preview', '+74950000000', '{"from":"09:00","to":"21:00"}', '{"maxAttempts":3}', '{sale}',
                       'finished') RETURNING id),
         r AS (INSERT INTO campaign_records (campaign_id, phone_e164, entity_type, entity_id, state)
               SELECT c.id, $3, 'contact', k.id, 'done' FROM c, k RETURNING id, campaign_id)
       INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164, started_at, connected_at, ended_at, outcome)
       SELECT r.campaign_id, r.id, $3, v.s::timestamptz, v.c::timestamptz, v.s::timestamptz + interval '1 minute', v.o
       FROM r, (VALUES ('2003-02-10T10:00:00Z', NULL, 'busy'),
                       ('2003-02-10T11:00:00Z', '2003-02-10T11:00:05Z', 'answered')) AS v(s, c, o)`,
      [campaignName, `Клиент ${tag}`, customer],
    );
  });

  afterAll(async () => {
    await db?.query(`DELETE FROM calls WHERE id = ANY($1)`, [ids]);
    await db?.query(`DELETE FROM campaigns WHERE name = $1`, [campaignName]);
    await db?.query(`DELETE FROM deals WHERE title = $1`, [`Клиент ${tag}`]);
    await db?.query(`DELETE FROM contacts WHERE name = $1`, [`Клиент ${tag}`]);
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

  it("a campaign's attempts, contact and conversion to a deal show in the campaigns section, in Russian", async () => {
    const page = await open('manager');
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('analytics-from').fill('2003-02-10');
    await page.getByTestId('analytics-to').fill('2003-02-10');
    const row = page.getByTestId('analytics-campaign-row').filter({ hasText: campaignName });
    await row.waitFor();
    const cells = (await row.locator('td').allTextContents()).map((c) => c.replace(/\s/g, ' '));
    // attempts, contacts, contact rate, records contacted, conversions, conversion rate
    expect(cells).toEqual([campaignName, '2', '1', '50 %', '1', '1', '100 %']);
    const section = page.getByTestId('analytics-campaigns').locator('xpath=ancestor::section[1]');
    const text = (await section.textContent())!.replace(campaignName, '');
    expect(text).toContain('Исходящие кампании');
    expect(text).toContain('в течение 7 дн.');
    // Russian mode: no English word leaks (CSV and Excel are the export buttons' names).
    expect(text.replace(/CSV|Excel/g, '').match(/[A-Za-z]{2,}/g)).toBeNull();
    const csv = await page
      .context()
      .request.get(`${server.baseUrl}${await page.getByTestId('analytics-export-campaigns-csv').getAttribute('href')}`);
    expect(await csv.text()).toContain(`\r\n${campaignName},2,1,0.5,1,1,1`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await section.screenshot({ path: join(SCREENSHOTS, 'analytics-campaigns.png') });
  });

  it('an operator has no analytics entry and the reports refuse them', async () => {
    const page = await open('operator1');
    expect(await page.getByTestId('nav-analytics').count()).toBe(0);
    await page.goto(`${server.baseUrl}/#/analytics`);
    await page.getByTestId('query-error').first().waitFor();
    expect(await page.getByTestId('analytics-kpis').count()).toBe(0);
  });
});
