import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CampaignDto } from '@contracts/dto/campaign';
import { createDatabase, type Database } from '@server/db/data-source';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { launchBrowser } from '@test/support/browser';
import { deleteCallsOf } from '@test/support/delete-calls';
import { resetLiveState } from '@test/support/live-reset';
import { startOperatorPhone, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';

// Outbound campaigns in real Chromium against the real server (main.ts with the AMI provider) and the real Asterisk:
// a supervisor sets up a preview campaign and starts it; operator1 takes the offer (the record and the script),
// dials, the PBX rings their sipp phone (1001) and then the sipp customer behind the trunk, and the operator sets the
// campaign's disposition; the supervisor's page follows the progress by itself. Run under
// /tmp/zv-live.lock (zv-e2e).
const screenshots = join(process.cwd(), 'test-results/screenshots');
const API_HEADERS = { 'X-Requested-With': 'zvonok' };

describe('campaigns: a supervisor runs a preview campaign, an operator dials it and sets the result', () => {
  let server: AppServer;
  let database: Database;
  let ds: DataSource;
  let browser: Browser;
  let supervisorContext: BrowserContext;
  let operatorContext: BrowserContext;
  let sup: Page;
  let op: Page;
  const phones: Phone[] = [];
  const pageErrors: string[] = [];
  const n = String(Math.floor(Math.random() * 900) + 100);
  const tag = `e2e-camp-${n}`;
  const name = `Реактивация ${n}`;
  // Moscow landlines the customers' sipp answers (neither ends in 486 nor 480).
  const numbers = [`+7495${n}3001`, `+7495${n}3002`];
  // The progressive campaign's one customer, tagged apart.
  const progressiveNumber = `+7495${n}3003`;
  const progressiveContact = `Клиент 3 ${n}`;
  const progressiveScript = 'Здравствуйте! Звоню из Звонка по вашей заявке.';
  const contactIds: string[] = [];
  let campaign: CampaignDto | undefined;
  let progressive: CampaignDto | undefined;

  const open = async (context: BrowserContext, login: string) => {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const form = new LoginPage(page);
    await form.open(server.baseUrl);
    await form.logIn(login, 'zvonok');
    await page.getByTestId('app-shell').waitFor();
    return page;
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await resetLiveState();
    server = await startAppServer({ TELEPHONY_PROVIDER: 'ami', CAMPAIGN_TICK_MS: '200' });
    database = await createDatabase({ databaseUrl: process.env.DATABASE_URL!, dataDir: 'unused' });
    await database.dataSource.initialize();
    ds = database.dataSource;
    for (const [i, e164] of numbers.entries()) {
      const [{ id }]: [{ id: string }] = await ds.query(
        `INSERT INTO contacts (name, tags) VALUES ($1, $2) RETURNING id`,
        [`Клиент ${i + 1} ${n}`, [tag]],
      );
      await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
        id,
        e164,
        e164.slice(-10),
      ]);
      contactIds.push(id);
    }
    const [{ id: progressiveId }]: [{ id: string }] = await ds.query(
      `INSERT INTO contacts (name, tags) VALUES ($1, $2) RETURNING id`,
      [progressiveContact, [`${tag}-p`]],
    );
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
      progressiveId,
      progressiveNumber,
      progressiveNumber.slice(-10),
    ]);
    contactIds.push(progressiveId);
    browser = await launchBrowser();
    supervisorContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    operatorContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    sup = await open(supervisorContext, 'supervisor');
    op = await open(operatorContext, 'operator1');
    phones.push(
      await startOperatorPhone('1001'),
      await startUas('uas-campaign-customers.xml', TRUNK_PORT, 'customers'),
    );
  }, 180_000);

  afterAll(async () => {
    for (const phone of phones) await phone.stop();
    for (const c of [campaign, progressive]) if (c) await ds?.query(`DELETE FROM campaigns WHERE id = $1`, [c.id]);
    if (ds) await deleteCallsOf(ds, [...numbers, progressiveNumber]);
    await ds?.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contactIds]);
    await database?.close();
    await supervisorContext?.close();
    await operatorContext?.close();
    await browser?.close();
    await server?.stop();
    await resetLiveState();
  });

  it('the supervisor creates a preview campaign, adds contacts by tag to its list and starts it', async () => {
    await sup.getByTestId('nav-campaigns').click();
    await sup.getByTestId('campaigns-page').waitFor();
    await sup.getByTestId('campaign-new').click();
    await sup.getByTestId('campaign-name').fill(name);
    await sup.getByTestId('campaign-mode').selectOption('preview');
    await sup.getByTestId('campaign-caller-id').fill('+74950001921');
    await sup.getByTestId('campaign-operator-1001').check();
    await sup.getByTestId('campaign-dispositions').fill('продажа, перезвонить, отказ');
    await sup.getByTestId('campaign-closing').fill('продажа, отказ');
    await sup.getByTestId('campaign-script').fill('Добрый день! Звоню напомнить о вашем заказе.');
    // A save without operators is refused with the server's reason, in Russian.
    await sup.getByTestId('campaign-operator-1001').uncheck();
    await sup.getByTestId('campaign-save').click();
    await sup.getByTestId('campaign-form').getByRole('alert').waitFor();
    await sup.getByTestId('campaign-operator-1001').check();
    // More than one customer per free operator dials the customer first: refused without the queue they wait in.
    await sup.getByTestId('campaign-ratio').fill('1.5');
    await sup.getByTestId('campaign-save').click();
    await sup.getByTestId('campaign-form').getByRole('alert').filter({ hasText: 'очередь' }).waitFor();
    await sup.getByTestId('campaign-ratio').fill('1');
    await sup.getByTestId('campaign-queue').fill('support');
    await sup.getByTestId('campaign-save').click();
    const row = sup.getByTestId('campaign-row').filter({ hasText: name });
    await row.waitFor();

    const list = await supervisorContext.request.get(`${server.baseUrl}/api/campaigns`);
    campaign = ((await list.json()) as { items: CampaignDto[] }).items.find((c) => c.name === name);
    expect(campaign).toMatchObject({
      mode: 'preview',
      closingDispositions: ['продажа', 'отказ'],
      ratio: 1,
      queue: 'support',
    });
    // Whatever the hour this runs at, the customers may be called (the form keeps the default 09:00–21:00).
    const patched = await supervisorContext.request.patch(`${server.baseUrl}/api/campaigns/${campaign!.id}`, {
      data: { callWindow: { from: '00:00', to: '24:00' } },
      headers: API_HEADERS,
    });
    expect(patched.status(), await patched.text()).toBe(200);

    await row.getByTestId('campaign-tag').fill(tag);
    await row.getByTestId('campaign-build').click();
    await row.getByTestId('campaign-start').click();
    await sup.waitForSelector(`[data-testid="campaign-row"][data-status="running"]`);
    expect(await row.getByTestId('campaign-progress').textContent()).toContain('Готово 0 из 2');
  });

  it('operator1 sees the next record with the script, dials it through the PBX and sets the campaign result', async () => {
    await op.getByTestId('nav-campaigns').click();
    await op.getByTestId('operator-campaign').filter({ hasText: name }).getByTestId('preview-next').click();
    const offer = op.getByTestId('preview-offer');
    await offer.waitFor();
    expect(await offer.getByTestId('preview-script').textContent()).toBe(
      'Добрый день! Звоню напомнить о вашем заказе.',
    );
    await op.screenshot({ path: join(screenshots, 'campaign-preview.png') });

    await offer.getByTestId('preview-dial').click();
    // The dial answers once operator1's phone (sipp 1001) picked up; the PBX is dialling the customer then.
    await offer.getByTestId('campaign-wrap-up').waitFor({ timeout: 30_000 });
    await offer.getByTestId('campaign-disposition').selectOption('продажа');
    await offer.getByTestId('campaign-disposition-save').click();
    await offer.getByTestId('campaign-disposition-saved').waitFor();
    await op.screenshot({ path: join(screenshots, 'campaign-dialled.png') });
  });

  it("the supervisor's page shows the progress move by itself", async () => {
    const row = sup.getByTestId('campaign-row').filter({ hasText: name });
    await sup.waitForFunction(
      (text) =>
        [...document.querySelectorAll('[data-testid="campaign-row"]')].some((r) =>
          text.every((part) => r.textContent?.includes(part)),
        ),
      [name, 'Готово 1 из 2', 'попыток 1'],
      { timeout: 30_000 },
    );
    expect(await row.getByTestId('campaign-progress').textContent()).toContain('Дозвон: 100%');
    await sup.screenshot({ path: join(screenshots, 'campaigns.png') });

    // The results panel: one attempt, connected, with its result; the CSV download says the same.
    await row.getByTestId('campaign-stats-open').click();
    const stats = sup.getByTestId('campaign-stats');
    await stats.waitFor();
    const tile = (key: string) => stats.getByTestId(`campaign-stat-${key}`).locator('.kpi-tile__value');
    await expect.poll(() => tile('connects').textContent(), { timeout: 15_000, interval: 250 }).toBe('1');
    expect(await tile('attempts').textContent()).toBe('1');
    expect(await tile('done').textContent()).toBe('1');
    expect(await tile('pending').textContent()).toBe('1');
    expect(await tile('abandonRate').textContent()).toBe('0.0%');
    expect(await tile('talk').textContent()).toMatch(/^\d+:\d\d$/);
    expect(await stats.getByTestId('campaign-outcome-answered').locator('td.num').textContent()).toBe('1');
    const sale = stats.getByTestId('campaign-disposition-row').filter({ hasText: 'продажа' });
    expect(await sale.locator('td.num').textContent()).toBe('1');
    // operator1 took the one attempt: one row, one attempt, one connect.
    const byOperator = stats.getByTestId('campaign-operator-row');
    expect(await byOperator.count()).toBe(1);
    expect(await byOperator.locator('td.num').allTextContents()).toEqual([
      '1',
      '1',
      expect.stringMatching(/^\d+:\d\d$/),
    ]);
    await stats.scrollIntoViewIfNeeded();
    await sup.screenshot({ path: join(screenshots, 'campaign-stats.png') });
    const href = await stats.getByTestId('campaign-stats-csv').getAttribute('href');
    const csv = await supervisorContext.request.get(`${server.baseUrl}${href}`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text).toContain('Итоги,Соединения,1\r\n');
    expect(text).toContain('Результаты,продажа (закрывает запись),1\r\n');

    await row.getByTestId('campaign-pause').click();
    await sup.waitForSelector(`[data-testid="campaign-row"][data-status="paused"]`);
    expect(pageErrors).toEqual([]);
  });

  it("progressive: operator1's phone rings first and their screen pops the customer's card with the campaign's script", async () => {
    const request = (method: 'post' | 'put', path: string, data: object) =>
      supervisorContext.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    const agents = (await (await supervisorContext.request.get(`${server.baseUrl}/api/agents`)).json()) as {
      items: { userId: string; extension: string }[];
    };
    const operator1 = agents.items.find((a) => a.extension === '1001')!;
    const created = await request('post', '/api/campaigns', {
      name: `${name} прогрессивная`,
      mode: 'progressive',
      operatorIds: [operator1.userId],
      callerId: '+74950001921',
      callWindow: { from: '00:00', to: '24:00' },
      dispositions: ['продажа', 'отказ'],
      closingDispositions: ['продажа', 'отказ'],
      script: progressiveScript,
    });
    expect(created.status(), await created.text()).toBe(201);
    progressive = (await created.json()) as CampaignDto;
    const built = await request('post', `/api/campaigns/${progressive.id}/records/build`, {
      source: 'contacts',
      tag: `${tag}-p`,
    });
    expect(await built.json()).toMatchObject({ added: 1 });
    // The preview call's card is still in the dock in wrap-up: operator1 finishes it, so the new card pops alone.
    const previous = op.locator('[data-testid="live-pop"][data-phase="wrap-up"]');
    await previous.getByTestId('wrap-up-outcome').selectOption('resolved');
    await previous.getByTestId('wrap-up-save').click();
    await previous.waitFor({ state: 'detached' });
    const available = await request('put', `/api/agents/${operator1.userId}/state`, { state: 'available' });
    expect(available.status(), await available.text()).toBe(200);
    await request('post', `/api/campaigns/${progressive.id}/actions`, { action: 'start' });

    // The dialer rings 1001 (sipp answers after a short ring); the card pops while it rings.
    const card = op.locator('[data-testid="pop-card"][data-kind="contact"]').filter({ hasText: progressiveContact });
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('pop-name').textContent()).toBe(progressiveContact);
    expect(await card.getByTestId('pop-campaign-name').textContent()).toContain(progressive.name);
    expect(await card.getByTestId('pop-campaign-script').textContent()).toBe(progressiveScript);
    await card.getByTestId('pop-campaign-script').scrollIntoViewIfNeeded();
    await op.screenshot({ path: join(screenshots, 'campaign-progressive-pop.png') });

    // Answered: the campaign's dispositions in the pop's wrap-up close the record.
    const pop = op.getByTestId('live-pop').filter({ has: card });
    await pop.getByTestId('campaign-wrap-up').waitFor({ timeout: 30_000 });
    await pop.getByTestId('campaign-disposition').selectOption('продажа');
    await pop.getByTestId('campaign-disposition-save').click();
    await pop.getByTestId('campaign-disposition-saved').waitFor();
    const record = async () =>
      (
        (await (
          await supervisorContext.request.get(`${server.baseUrl}/api/campaigns/${progressive!.id}/records`)
        ).json()) as { items: { phoneE164: string; state: string; disposition: string | null }[] }
      ).items;
    await expect
      .poll(record, { timeout: 30_000, interval: 250 })
      .toEqual([expect.objectContaining({ phoneE164: progressiveNumber, state: 'done', disposition: 'продажа' })]);
    expect(pageErrors).toEqual([]);
  });
});
