import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { ContactsPage } from '@test/e2e/pages/contacts-page';
import { LoginPage } from '@test/e2e/pages/login-page';
import { ShellPage } from '@test/e2e/pages/shell-page';
import { launchBrowser } from '@test/support/browser';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/** Each payload would set `window.__xss` if the UI ever rendered contact names as HTML. */
const PAYLOADS = [
  `<img src=x onerror="window.__xss='img'">`,
  `<script>window.__xss='script'</script>`,
  `"><svg onload="window.__xss='svg'">`,
  `<a href="javascript:window.__xss='href'">click</a>`,
];

describe('security in the browser: XSS in contact names renders as text (real Chromium, real server)', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const tag = `xss${String(Date.now() % 100_000)}`;
  const names = PAYLOADS.map((p) => `${tag} ${p}`);
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
    for (const name of names) {
      const res = await context.request.post(`${server.baseUrl}/api/contacts`, {
        data: { name, phones: [] },
        headers: API_HEADERS,
      });
      expect(res.status(), await res.text()).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
  });
  afterAll(async () => {
    for (const id of ids) {
      await context?.request.delete(`${server.baseUrl}/api/contacts/${id}`, { headers: API_HEADERS });
    }
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const noScriptRan = async () => {
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"], svg[onload], a[href^="javascript:"]').count()).toBe(0);
  };

  it('the contacts list shows each hostile name verbatim as text and runs nothing', async () => {
    await new ShellPage(page).nav('contacts').click();
    const contacts = new ContactsPage(page);
    await contacts.search(tag);
    await contacts.waitForRowCount((n) => n === names.length);
    expect([...(await contacts.names().allTextContents())].sort()).toEqual([...names].sort());
    await page.waitForTimeout(300);
    await noScriptRan();
  });

  it("the contact's own page shows the name as text too", async () => {
    for (const [i, id] of ids.entries()) {
      await page.goto(`${server.baseUrl}/#/contacts/${id}`);
      await expect.poll(() => page.locator('#contact-title').textContent(), { timeout: 10_000 }).toBe(names[i]);
    }
    await page.waitForTimeout(300);
    await noScriptRan();
  });
});
