import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pino } from 'pino';

import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { createDatabase, type Database } from '@server/db/data-source';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { DealsBoardPage } from '@test/e2e/pages/deals-board-page';
import { type SignedInTab, signInTab } from '@test/e2e/pages/login-page';
import { SCREENSHOTS } from '@test/e2e/pages/recordings-session';
import { storedRecording, type StoredRecording } from '@test/security/support/stored-recording';
import { launchBrowser } from '@test/support/browser';
import { inboundCall, party } from '@test/support/synthetic-calls';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };
const PASSWORD = 'Берёза-осина-2026';

/**
 * Administration in Debian chromium against the real server (Redis bus, so a synthetic call reaches the operator's
 * screen as a pop): an admin creates an operator who signs in; deactivating them signs their open tab out and the
 * wizard hands their leads to a colleague; a "Contract number" field in the contact form, list, pop card and CSV;
 * a four-stage pipeline and a deal moved through it; a manager finding in the audit log who listened to a
 * recording.
 */
describe('administration in the browser', () => {
  let server: AppServer;
  let browser: Browser;
  let db: Database;
  let ds: DataSource;
  let redis: Redis;
  let storeDir: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const suffix = String(Date.now() % 100_000).padStart(5, '0');
  const login = `e2e-op-${suffix}`;
  const fieldKey = `contract_no_${suffix}`;
  let recording: StoredRecording | undefined;

  /** A fresh tab signed in as `user`, closed after the spec. */
  const signedIn = async (user: string, password = 'zvonok'): Promise<SignedInTab> => {
    const tab = await signInTab(browser, server.baseUrl, user, {
      password,
      viewport: { width: 1366, height: 900 },
      errors: pageErrors,
    });
    contexts.push(tab.context);
    return tab;
  };
  const api = async <T>(context: BrowserContext, method: 'get' | 'post' | 'patch', path: string, data?: unknown) => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  let admin: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    storeDir = mkdtempSync(join(tmpdir(), 'zvonok-e2e-admin-'));
    server = await startAppServer({ REDIS_URL: process.env.REDIS_URL!, RECORDINGS_STORE_DIR: storeDir });
    db = await createDatabase({ databaseUrl: process.env.DATABASE_URL!, dataDir: 'unused' });
    await db.dataSource.initialize();
    ds = db.dataSource;
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    browser = await launchBrowser();
    admin = await signedIn('admin');
  });

  afterAll(async () => {
    await ds?.query(`DELETE FROM custom_fields WHERE key = $1`, [fieldKey]);
    await ds?.query(`UPDATE contacts SET custom = custom - $1 WHERE custom ? $1`, [fieldKey]);
    await ds?.query(`DELETE FROM deals WHERE title LIKE $1`, [`%e2e ${suffix}%`]);
    await ds?.query(`DELETE FROM pipelines WHERE name_ru = $1`, [`Партнёры ${suffix}`]);
    await ds?.query(`DELETE FROM leads WHERE name LIKE $1`, [`%e2e ${suffix}%`]);
    await ds?.query(`DELETE FROM users WHERE login = $1`, [login]);
    await recording?.remove();
    for (const context of contexts) await context.close();
    await browser?.close();
    await redis?.quit();
    await db?.close();
    await server?.stop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('an admin creates an operator, who signs in', async () => {
    const { page } = admin;
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('new-user-form').waitFor();
    await page.getByTestId('new-user-login').fill(login);
    await page.getByTestId('new-user-name').fill(`Оператор e2e ${suffix}`);
    await page.getByTestId('new-user-password').fill('1234567890');
    await page.getByTestId('new-user-save').click();
    // The shipped list of common passwords refuses it, saying why.
    await page.getByTestId('new-user-error').waitFor();
    expect(await page.getByTestId('new-user-error').textContent()).toContain('распространённых');
    await page.getByTestId('new-user-password').fill(PASSWORD);
    await page.getByTestId('new-user-save').click();
    await page.locator(`[data-testid="user-row"][data-login="${login}"]`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-users.png') });

    const operator = await signedIn(login, PASSWORD);
    expect(await operator.page.getByTestId('user-name').textContent()).toBe(`Оператор e2e ${suffix}`);
  });

  it('deactivating the operator signs their open tab out, and the wizard hands their leads to a colleague', async () => {
    const operator = await signedIn(login, PASSWORD);
    const lead = await api<{ id: string }>(operator.context, 'post', '/api/leads', { name: `Лид e2e ${suffix}` });
    const { page } = admin;
    await page.reload();
    const row = page.locator(`[data-testid="user-row"][data-login="${login}"]`);
    await row.getByTestId('user-deactivate').click();
    // The open tab drops to the login screen by itself (the socket is closed by the server, /me answers 401).
    await operator.page.getByTestId('login-page').waitFor({ timeout: 15_000 });

    const wizard = page.getByTestId('reassign-wizard');
    await wizard.waitFor();
    expect(await wizard.getByTestId('holding-leads').textContent()).toBe('1');
    const colleagues = await wizard.getByTestId('reassign-leads').locator('option').allTextContents();
    await wizard.getByTestId('reassign-leads').selectOption({ label: colleagues.find((c) => c.startsWith('Павел'))! });
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-handover.png') });
    await wizard.getByTestId('reassign-submit').click();
    await page.getByTestId('reassign-done').waitFor();
    const [row2] = await ds.query(`SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = $1`, [
      lead.id,
    ]);
    expect(row2.login).toBe('operator2');
  });

  it('a "Contract number" field shows in the contact form, the list, the pop card and the CSV export', async () => {
    const { page } = admin;
    await page.getByTestId('admin-tab-fields').click();
    await page.getByTestId('new-field-key').fill(fieldKey);
    await page.getByTestId('new-field-label-ru').fill('Номер договора');
    await page.getByTestId('new-field-label-en').fill('Contract number');
    await page.getByTestId('new-field-on-card').check();
    await page.getByTestId('new-field-save').click();
    await page.locator(`[data-testid="field-row"][data-key="${fieldKey}"]`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-custom-fields.png') });

    // The form.
    const number = `+7916${suffix}01`;
    await page.goto(`${server.baseUrl}/#/contacts/new`);
    await page.getByTestId('contact-name-input').fill(`Клиент e2e ${suffix}`);
    await page.getByTestId('contact-phone-input').first().fill(number);
    await page.getByTestId(`custom-field-${fieldKey}`).fill(`Д-${suffix}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'contact-form-custom-field.png') });
    await page.getByTestId('contact-save').click();
    await page.waitForURL(/#\/contacts\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId(`custom-field-${fieldKey}`).inputValue()).toBe(`Д-${suffix}`);

    // The list, as a column.
    await page.goto(`${server.baseUrl}/#/contacts`);
    await page.getByTestId('contacts-search').fill(`Клиент e2e ${suffix}`);
    const cell = page.getByTestId(`contact-custom-${fieldKey}`).filter({ hasText: `Д-${suffix}` });
    await cell.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'contacts-custom-column.png') });

    // The CSV export.
    const csv = await (
      await admin.context.request.get(
        `${server.baseUrl}/api/contacts/export?format=csv&q=${encodeURIComponent(`Клиент e2e ${suffix}`)}`,
      )
    ).text();
    const [header, line] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header!.split(',')).toContain(fieldKey);
    expect(line).toContain(`Д-${suffix}`);

    // The pop card: a call from the contact's number rings operator1's extension 1001.
    const operator1 = await signedIn('operator1');
    // A pop sent before the tab's socket joined its rooms would never reach it: publish once the tab resynced.
    await operator1.resynced;
    const call = inboundCall(party(number, number));
    const bus = new RedisCallBus({ redis, logger: pino({ level: 'silent' }) });
    await bus.publish(call.created());
    await bus.publish(call.ringing('1001'));
    const popped = operator1.page.getByTestId(`pop-custom-${fieldKey}`);
    await popped.waitFor({ timeout: 20_000 });
    expect(await popped.textContent()).toBe(`Д-${suffix}`);
    await operator1.page.screenshot({ path: join(SCREENSHOTS, 'pop-card-custom-field.png') });
    await bus.publish(call.ended(false));
  });

  it('an admin sets how many months of calls are kept (Settings), applied without a restart', async () => {
    const { page, context } = admin;
    await page.goto(`${server.baseUrl}/#/admin/settings`);
    const months = page.getByTestId('setting-callRetentionMonths');
    await months.waitFor();
    await months.fill('24');
    await page.getByTestId('settings-save').click();
    // The saved note may be gone already: the settings reload every node gets re-renders the form.
    await expect
      .poll(
        async () => (await api<{ callRetentionMonths: number }>(context, 'get', '/api/settings')).callRetentionMonths,
      )
      .toBe(24);
    // The form is re-rendered when the reload arrives, possibly in the middle of the shot: shoot the current one again.
    const shot = () =>
      page
        .getByTestId('settings-form')
        .screenshot({ path: join(SCREENSHOTS, 'admin-settings-call-retention.png') })
        .then(() => true)
        .catch((error: unknown) => (String(error).includes('not attached') ? false : Promise.reject(error)));
    await expect.poll(shot, { timeout: 10_000 }).toBe(true);
    // Back to keeping calls forever: no other spec's calls are at stake.
    const reset = await context.request.put(`${server.baseUrl}/api/settings`, {
      data: { callRetentionMonths: 0 },
      headers: API_HEADERS,
    });
    expect(reset.status()).toBe(200);
  });

  it('an admin adds a pipeline with 4 stages, and a deal moves through it', async () => {
    const { page } = admin;
    await page.goto(`${server.baseUrl}/#/admin/pipelines`);
    const editor = page.getByTestId('new-pipeline');
    await editor.waitFor();
    await editor.getByTestId('pipeline-name-ru').fill(`Партнёры ${suffix}`);
    await editor.getByTestId('pipeline-name-en').fill(`Partners ${suffix}`);
    await editor.getByTestId('stage-add').click();
    const stages = [
      ['Заявка', 'Request', 'open'],
      ['Демо', 'Demo', 'open'],
      ['Подписан', 'Signed', 'won'],
      ['Отказ', 'Refused', 'lost'],
    ];
    for (const [i, [ru, en, kind]] of stages.entries()) {
      const row = editor.getByTestId('stage-row').nth(i);
      await row.getByTestId('stage-name-ru').fill(ru!);
      await row.getByTestId('stage-name-en').fill(en!);
      await row.getByTestId('stage-kind').selectOption(kind!);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-pipeline.png') });
    await editor.getByTestId('pipeline-save').click();
    await page
      .getByTestId('pipeline-tab')
      .filter({ hasText: `Партнёры ${suffix}` })
      .waitFor();

    const pipelines = await api<{ items: { id: string; nameRu: string; stages: { key: string; nameRu: string }[] }[] }>(
      admin.context,
      'get',
      '/api/pipelines',
    );
    const pipeline = pipelines.items.find((p) => p.nameRu === `Партнёры ${suffix}`)!;
    expect(pipeline.stages.map((s) => s.nameRu)).toEqual(['Заявка', 'Демо', 'Подписан', 'Отказ']);
    const deal = await api<{ id: string }>(admin.context, 'post', '/api/deals', {
      title: `Сделка e2e ${suffix}`,
      pipelineId: pipeline.id,
      amount: '50000',
    });
    await page.goto(`${server.baseUrl}/#/deals?pipeline=${pipeline.id}`);
    const board = new DealsBoardPage(page);
    const [request, demo, signed] = pipeline.stages.map((s) => s.key);
    await board.cardIn(request!, `Сделка e2e ${suffix}`).waitFor();
    await board.drag(board.card(`Сделка e2e ${suffix}`), demo!);
    await board.cardIn(demo!, `Сделка e2e ${suffix}`).waitFor();
    await board.card(`Сделка e2e ${suffix}`).getByTestId('deal-card-stage').selectOption(signed!);
    await board.cardIn(signed!, `Сделка e2e ${suffix}`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'kanban-pipeline.png') });
    await page.reload();
    await board.cardIn(signed!, `Сделка e2e ${suffix}`).waitFor();
    const stored = await api<{ stage: string; closedAt: string | null }>(admin.context, 'get', `/api/deals/${deal.id}`);
    expect(stored.stage).toBe(signed);
    expect(stored.closedAt).not.toBeNull();
  });

  it('a manager finds in the audit log who listened to a recording', async () => {
    recording = await storedRecording(ds, storeDir);
    const supervisor = await signedIn('supervisor');
    const played = await supervisor.context.request.get(`${server.baseUrl}/api/recordings/${recording.id}`);
    expect(played.status()).toBe(200);

    const manager = await signedIn('manager');
    await manager.page.getByTestId('nav-audit').click();
    await manager.page.getByTestId('audit-table').waitFor();
    await manager.page.getByTestId('audit-action').selectOption('recording.listen');
    await manager.page.getByTestId('audit-entity-id').fill(recording.id);
    const row = manager.page
      .locator('[data-testid="audit-row"][data-action="recording.listen"]')
      .filter({ hasText: recording.id });
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('audit-row-actor').textContent()).toContain('Сергей Старший');
    await manager.page.screenshot({ path: join(SCREENSHOTS, 'audit-log.png') });
    expect(pageErrors).toEqual([]);
  });
});
