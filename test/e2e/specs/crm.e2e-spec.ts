import { join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LeadDto } from '@contracts/dto/lead';
import { type UserDto } from '@contracts/dto/user';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { ContactFormPage } from '@test/e2e/pages/contact-form-page';
import { ContactsPage } from '@test/e2e/pages/contacts-page';
import { LoginPage } from '@test/e2e/pages/login-page';
import { ShellPage } from '@test/e2e/pages/shell-page';
import { launchBrowser } from '@test/support/browser';

const screenshots = join(process.cwd(), 'test-results/screenshots');
const API_HEADERS = { 'X-Requested-With': 'zvonok' };

describe('CRM screens against the real API', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const suffix = String(Date.now() % 10_000).padStart(4, '0');
  const name = `Форма Тестовая ${suffix}`;

  const api = async <T>(method: 'get' | 'post', path: string, data?: unknown): Promise<T> => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('creates a contact with two phones in different formats, tags and do-not-call', async () => {
    await page.getByTestId('contact-new').click();
    const form = new ContactFormPage(page);
    await form.fill({
      name,
      phones: [
        `8 903 777-${suffix.slice(0, 2)}-${suffix.slice(2)}`,
        `+7 (495) 700-${suffix.slice(0, 2)}-${suffix.slice(2)}`,
      ],
      tags: 'e2e, опт, e2e',
      doNotCall: true,
    });
    await form.save();
    // Saving a new contact opens it for editing at its own address.
    await page.waitForURL(/#\/contacts\/[0-9a-f-]{36}$/);
    await page.locator('#contact-title', { hasText: name }).waitFor();
    expect(await page.getByTestId('contact-phone-input').count()).toBe(2);
    expect(await page.getByTestId('contact-tags-input').inputValue()).toBe('e2e, опт');
    expect(await page.getByTestId('contact-dnc-input').isChecked()).toBe(true);
  });

  it('finds it by the second number typed differently and flags do-not-call in the list', async () => {
    await new ShellPage(page).nav('contacts').click();
    const contacts = new ContactsPage(page);
    await contacts.search(`84957${`00${suffix}`}`);
    await contacts.waitForNames([name]);
    expect(await contacts.rows().first().getByTestId('contact-dnc').isVisible()).toBe(true);
    expect(await contacts.rows().first().getByTestId('contact-phone').allTextContents()).toEqual([
      `8 (903) 777-${suffix.slice(0, 2)}-${suffix.slice(2)}`,
      `8 (495) 700-${suffix.slice(0, 2)}-${suffix.slice(2)}`,
    ]);
  });

  it('edits the contact: renames it and drops a phone', async () => {
    await new ContactsPage(page).names().first().click();
    const form = new ContactFormPage(page);
    await form.form().waitFor();
    await page.getByRole('button', { name: /Удалить: Телефон 2/ }).click();
    await form.fill({ name: `${name} (изм.)` });
    await form.save();
    await page.getByRole('status').filter({ hasText: 'Контакт сохранён' }).waitFor();
    expect(await page.getByTestId('contact-phone-input').count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'contact-edit.png') });
  });

  it('adds a note to the contact, shown as text', async () => {
    const note = `<b>Перезвонить</b> после обеда ${suffix}`;
    await page.getByTestId('note-input').fill(note);
    await page.getByTestId('note-add').click();
    const shown = page.getByTestId('contact-note').filter({ hasText: suffix });
    await shown.waitFor();
    expect(await shown.textContent()).toBe(note);
    expect(await page.getByTestId('contact-notes').locator('b').count()).toBe(0);
  });

  it('shows a validation error in Russian when the server rejects the phone', async () => {
    const form = new ContactFormPage(page);
    await form.fill({ phones: ['8 903 777 xx'] });
    await form.save();
    await form.error().waitFor();
    expect(await form.error().textContent()).toBe('Проверьте заполнение полей');
  });

  it('pages through search results 20 at a time', async () => {
    const prefix = `Пагинация ${suffix}`;
    for (let i = 1; i <= 21; i += 1) {
      await api('post', '/api/contacts', { name: `${prefix} ${String(i).padStart(2, '0')}` });
    }
    await new ShellPage(page).nav('contacts').click();
    const contacts = new ContactsPage(page);
    await contacts.search(prefix);
    await contacts.waitForRowCount((n) => n === 20);
    expect(await page.getByTestId('pagination-page').textContent()).toBe('Стр. 1 из 2');
    await page.getByTestId('pagination-next').click();
    await contacts.waitForRowCount((n) => n === 1);
    expect(await page.getByTestId('pagination-page').textContent()).toBe('Стр. 2 из 2');
    expect(await page.getByTestId('pagination-next').isDisabled()).toBe(true);
    const lastPage = await contacts.names().allTextContents();
    await page.getByTestId('pagination-prev').click();
    await contacts.waitForRowCount((n) => n === 20);
    const firstPage = await contacts.names().allTextContents();
    // Together the pages hold all 21, each exactly once.
    expect(new Set([...firstPage, ...lastPage]).size).toBe(21);
  });

  it('lists leads and filters them by status', async () => {
    const lead = await api<LeadDto>('post', '/api/leads', {
      source: 'call',
      phone: `+7 999 100-${suffix.slice(0, 2)}-${suffix.slice(2)}`,
    });
    await new ShellPage(page).nav('leads').click();
    const row = page
      .getByTestId('lead-row')
      .filter({ hasText: `8 (999) 100-${suffix.slice(0, 2)}-${suffix.slice(2)}` });
    await row.waitFor();
    expect(await row.textContent()).toContain('Новый');
    await page.getByTestId('leads-status-filter').selectOption('converted');
    await page.getByTestId('empty').or(page.getByTestId('leads-table')).first().waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('leads-status-filter').selectOption('new');
    await row.waitFor();
    expect(lead.status).toBe('new');
  });

  it('shows my tasks with due dates and marks overdue ones', async () => {
    const me = await api<{ user: UserDto }>('get', '/api/auth/me');
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await api('post', '/api/tasks', {
      title: `Перезвонить ${suffix}`,
      kind: 'callback',
      dueAt: yesterday,
      assigneeId: me.user.id,
    });
    await new ShellPage(page).nav('tasks').click();
    const row = page.getByTestId('task-row').filter({ hasText: `Перезвонить ${suffix}` });
    await row.waitFor();
    expect(await row.getByTestId('task-overdue').textContent()).toBe('Просрочена');
    // Completing it keeps the row until the list reloads, then the open-only filter hides it.
    // The box reflects the server's answer, so it turns checked only after the PATCH returns.
    await row.getByTestId('task-done').click();
    await row.getByTestId('task-overdue').waitFor({ state: 'detached' });
    expect(await row.getByTestId('task-done').isChecked()).toBe(true);
    await page.getByTestId('tasks-open').uncheck();
    await page.getByTestId('tasks-open').check();
    await row.waitFor({ state: 'detached' });
  });

  it('shows the seeded deals with amounts formatted for the locale', async () => {
    await new ShellPage(page).nav('deals').click();
    // The pipeline is the default view; the table stays one click away.
    await page.getByTestId('deals-view-table').click();
    const row = page.getByTestId('deal-row').filter({ hasText: 'Поставка для Иван Петров' });
    // Company names arrive with their own request; wait for them rather than for the first paint.
    await row.filter({ hasText: 'ООО «Ромашка»' }).waitFor();
    expect((await row.textContent())?.replace(/\s/g, ' ')).toContain('150 000 ₽');
    expect(await row.textContent()).toContain('ООО «Ромашка»');
    await page.screenshot({ path: join(screenshots, 'deals.png') });
  });

  it('shows the open deal beside the seeded contact', async () => {
    await new ShellPage(page).nav('contacts').click();
    const contacts = new ContactsPage(page);
    await contacts.search('Иван Петров');
    await contacts.waitForNames(['Иван Петров']);
    await contacts.names().first().click();
    const deals = page.getByTestId('contact-deals');
    await deals.waitFor();
    expect(await deals.textContent()).toContain('Поставка для Иван Петров');
    await page.screenshot({ path: join(screenshots, 'contact-card.png') });
    expect(pageErrors).toEqual([]);
  });

  it('drops to the login form when the session disappears mid-work', async () => {
    await context.clearCookies();
    // The app may notice first (a background request or the socket's reconnect refused) and drop while the click is
    // under way, which leaves the click waiting for a link that is gone: either way it must land on the login form.
    const login = new LoginPage(page).root();
    await Promise.race([
      new ShellPage(page)
        .nav('leads')
        .click()
        .catch(() => undefined),
      login.waitFor(),
    ]);
    await login.waitFor();
    expect(pageErrors).toEqual([]);
  });
});
