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
 * Figures for every role (issue #20) in Chromium over the real server and Postgres. operator1 answered two calls on
 * 10 March 2003 and one a minute ago (today). The figures themselves are checked in
 * test/integration/analytics-roles.int.spec.ts; here: the operator's own page (and no way into the others'), a
 * supervisor setting a daily target that the operator then sees with its progress, and the staff sections.
 */
const SCREENSHOTS = join(process.cwd(), 'test-results/screenshots');

describe('figures for every role', () => {
  let server: AppServer;
  let browser: Browser;
  let db: pg.Client;
  let operatorId: string;
  const ids = [randomUUID(), randomUUID(), randomUUID()];

  const open = async (login: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    const loginPage = new LoginPage(page);
    await loginPage.open(server.baseUrl);
    await loginPage.logIn(login, 'zvonok');
    await page.getByTestId('app-shell').waitFor();
    return page;
  };

  /**
   * operator1's calls in today as the server counts them: one is this spec's, and other specs of the run may have
   * answered more as operator1 today (the figures themselves are checked in the integration spec).
   */
  const callsInToday = async (page: Page): Promise<number> => {
    const res = await page
      .context()
      .request.get(`${server.baseUrl}/api/analytics/team?from=2003-03-10&to=2003-03-11&tz=UTC`);
    const rows = ((await res.json()) as { rows: { userId: string; today: { callsIn: number } }[] }).rows;
    const callsIn = rows.find((r) => r.userId === operatorId)?.today.callsIn ?? 0;
    expect(callsIn).toBeGreaterThanOrEqual(1);
    return callsIn;
  };

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    [{ id: operatorId }] = (await db.query(`SELECT id FROM users WHERE login = 'operator1'`)).rows;
    const now = Date.now();
    const today = new Date(Math.max(now - 60_000, Date.parse(new Date(now).toISOString().slice(0, 10)))).toISOString();
    await db.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, queue, operator_id, status, started_at, answered_at,
         ended_at, wait_seconds, talk_seconds, hold_seconds, disposition)
       SELECT v.id::uuid, 'ami', 'inbound', '89160000002', '7000', 'support', $4, 'ended',
         v.s::timestamptz, v.s::timestamptz + make_interval(secs => 5), v.s::timestamptz + make_interval(secs => 65),
         5, 60, 0, 'answered'
       FROM (VALUES ($1, '2003-03-10T09:00:00Z'), ($2, '2003-03-10T10:00:00Z'), ($3, $5)) AS v(id, s)`,
      [...ids, operatorId, today],
    );
    await db.query(`DELETE FROM analytics_targets WHERE user_id = $1`, [operatorId]);
  });

  afterAll(async () => {
    await db?.query(`DELETE FROM calls WHERE id = ANY($1)`, [ids]);
    if (operatorId) await db?.query(`DELETE FROM analytics_targets WHERE user_id = $1`, [operatorId]);
    await db?.end();
    await browser?.close();
    await server?.stop();
  });

  it('a supervisor sets a daily target and sees every section', async () => {
    const page = await open('supervisor');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('analytics-page').waitFor();
    await page.getByTestId('analytics-from').fill('2003-03-10');
    await page.getByTestId('analytics-to').fill('2003-03-10');
    await page.getByTestId('analytics-tz').selectOption('UTC');
    await page.getByTestId('target-form').waitFor();
    await page.getByTestId('target-user').selectOption(operatorId);
    await page.getByTestId('target-metric').selectOption('calls-in');
    await page.getByTestId('target-period').selectOption('day');
    await page.getByTestId('target-value').fill('4');
    await page.getByTestId('target-save').click();
    const today = await callsInToday(page);
    await expect
      .poll(async () => (await page.getByTestId('analytics-team').textContent()) ?? '')
      .toContain(`${today}/4`);
    await page.getByTestId('analytics-directions').waitFor();
    await page.getByTestId('analytics-direction-total').waitFor();
    expect(errors).toEqual([]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The sections of issue #20 only: the whole page is four screens long.
    await page
      .locator('section', { has: page.getByTestId('analytics-team') })
      .screenshot({ path: join(SCREENSHOTS, 'analytics-team.png') });
  });

  it("an operator sees their own figures and target, and none of the others' reports", async () => {
    const today = await callsInToday(await open('supervisor'));
    const page = await open('operator1');
    expect(await page.getByTestId('nav-analytics').count()).toBe(0);
    await page.getByTestId('nav-my-stats').click();
    await page.getByTestId('my-stats-page').waitFor();
    await page.getByTestId('analytics-from').fill('2003-03-10');
    await page.getByTestId('analytics-to').fill('2003-03-10');
    await page.getByTestId('analytics-tz').selectOption('UTC');
    const callsIn = page.getByTestId('my-figure-callsIn').locator('td');
    await expect.poll(() => callsIn.nth(2).textContent()).toBe('2');
    expect(await callsIn.nth(1).textContent()).toBe(String(today));
    const target = page.getByTestId('target-calls-in-day');
    await target.waitFor();
    expect(await target.textContent()).toContain(`${today} / 4`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'my-stats.png'), fullPage: true });
    const team = await page.context().request.get(`${server.baseUrl}/api/analytics/team?from=2003-03-10&to=2003-03-11`);
    expect(team.status()).toBe(403);
  });
});
