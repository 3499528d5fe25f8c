import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ContactDto } from '@contracts/dto/contact';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { ContactsPage } from '@test/e2e/pages/contacts-page';
import { LoginPage } from '@test/e2e/pages/login-page';
import { ShellPage } from '@test/e2e/pages/shell-page';
import { launchBrowser } from '@test/support/browser';

const screenshots = join(process.cwd(), 'test-results/screenshots');
const API_HEADERS = { 'X-Requested-With': 'zvonok' };

describe('login, shell, language and contact search in real Chromium', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  // Unique per run so the search proves matching by number, not leftovers of an earlier run.
  const suffix = String(Date.now() % 10_000).padStart(4, '0');
  const e164 = `+7912555${suffix}`;
  const typedAsRussianDial = `8 (912) 555-${suffix.slice(0, 2)}-${suffix.slice(2)}`;
  const contactName = `Е2Е Поиск ${suffix}`;
  const xssName = `<img src=x onerror=alert(1)> ${suffix}`;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('rejects a wrong password with a localized message, not the server text', async () => {
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    await page.screenshot({ path: join(screenshots, 'login.png') });
    await login.logIn('operator1', 'wrong-password');
    await login.error().waitFor();
    expect(await login.error().textContent()).toBe('Неверный логин или пароль');
  });

  it('logs in as operator1 and shows the shell in Russian', async () => {
    await new LoginPage(page).logIn('operator1', 'zvonok');
    const shell = new ShellPage(page);
    await shell.root().waitFor();
    expect(await shell.nav('contacts').textContent()).toBe('Контакты');
    expect(await shell.nav('leads').textContent()).toBe('Лиды');
    expect(await shell.nav('contacts').getAttribute('aria-current')).toBe('page');
    const contacts = new ContactsPage(page);
    expect(await contacts.heading().textContent()).toBe('Контакты');
    await contacts.waitForRowCount((n) => n >= 2);
    // Seeded numbers are shown as Russians dial them in the Russian UI.
    expect(await contacts.table().textContent()).toContain('8 (916) 123-45-67');
    await page.screenshot({ path: join(screenshots, 'contacts.png') });
  });

  it('creates contacts through the API with the session cookie (one of them hostile)', async () => {
    for (const body of [
      { name: contactName, phones: [{ raw: e164, label: 'моб.' }], tags: ['e2e'] },
      { name: xssName, phones: [], tags: [] },
    ]) {
      const res = await context.request.post(`${server.baseUrl}/api/contacts`, { data: body, headers: API_HEADERS });
      expect(res.status(), await res.text()).toBe(201);
      expect(((await res.json()) as ContactDto).name).toBe(body.name);
    }
  });

  it('switches to English and remembers the choice', async () => {
    const shell = new ShellPage(page);
    await shell.switchLanguage('en');
    await page.getByText('Contacts', { exact: true }).first().waitFor();
    expect(await shell.nav('contacts').textContent()).toBe('Contacts');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.keyboard.press('Escape');
    await page.reload();
    await shell.root().waitFor();
    expect(await shell.nav('deals').textContent()).toBe('Deals');
  });

  it('finds the seeded contact by a number typed the Russian way, 8 (9xx) ...', async () => {
    const contacts = new ContactsPage(page);
    await contacts.search('8 (916) 123-45-67');
    await contacts.waitForNames(['Иван Петров']);
  });

  it('finds a contact created in any format by another format', async () => {
    const contacts = new ContactsPage(page);
    await contacts.search(typedAsRussianDial);
    await contacts.waitForNames([contactName]);
    // Displayed internationally in the English UI, whatever form it was stored in.
    const phone = contacts.rows().first().getByTestId('contact-phone');
    expect(await phone.textContent()).toContain(`+7 912 555 ${suffix.slice(0, 2)} ${suffix.slice(2)}`);
    expect(await contacts.rows().first().locator('a.phone').getAttribute('href')).toBe(`tel:${e164}`);
  });

  it('renders a contact named like markup as plain text', async () => {
    const contacts = new ContactsPage(page);
    await contacts.search(xssName);
    await contacts.waitForNames([xssName]);
    expect(await contacts.table().locator('img').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'contacts-xss.png') });
    expect(dialogs).toEqual([]);
  });

  it('clears the search back to the full list', async () => {
    const contacts = new ContactsPage(page);
    await contacts.search('');
    // Seeded contacts of operator1 plus the two created above.
    await contacts.waitForRowCount((n) => n >= 4);
    await page.screenshot({ path: join(screenshots, 'contacts-en.png') });
  });

  it('logs out back to the login form, and the session is gone', async () => {
    await new ShellPage(page).logOut();
    const login = new LoginPage(page);
    await login.root().waitFor();
    expect(await page.getByTestId('login-submit').textContent()).toBe('Sign in');
    const me = await context.request.get(`${server.baseUrl}/api/auth/me`);
    expect(me.status()).toBe(401);
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
