import { type Browser, type BrowserContext, type Page } from 'playwright-core';

import { reportCspViolations } from '@test/support/browser';

export class LoginPage {
  constructor(private readonly page: Page) {}

  readonly root = () => this.page.getByTestId('login-page');
  readonly error = () => this.page.getByTestId('login-error');

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/`);
    await this.root().waitFor();
  }

  async logIn(login: string, password: string): Promise<void> {
    await this.page.getByTestId('login-input').fill(login);
    await this.page.getByTestId('password-input').fill(password);
    await this.page.getByTestId('login-submit').click();
  }
}

export interface SignedInTab {
  context: BrowserContext;
  page: Page;
  /** The tab asked for the live calls right after its socket connected: from then on pushes reach it. */
  resynced: Promise<unknown>;
}

/**
 * A fresh browser context signed in as `login` at `viewport`, its page errors and CSP violations collected in
 * `errors`. The wait for the tab's own resync is set up before the login, so a ring published after `resynced`
 * reaches it (one set up later could catch a previous page's answer).
 */
export async function signInTab(
  browser: Browser,
  baseUrl: string,
  login: string,
  options: { password?: string; viewport: { width: number; height: number }; errors: string[] },
): Promise<SignedInTab> {
  const context = await browser.newContext({ viewport: options.viewport, locale: 'ru-RU' });
  const page = await context.newPage();
  page.on('pageerror', (error) => options.errors.push(error.message));
  reportCspViolations(page, options.errors);
  const loginPage = new LoginPage(page);
  await loginPage.open(baseUrl);
  const resynced = page.waitForResponse((r) => r.url().includes('/api/calls/active'), { timeout: 30_000 });
  resynced.catch(() => undefined); // awaited only by the tests that push calls
  await loginPage.logIn(login, options.password ?? 'zvonok');
  await page.getByTestId('app-shell').waitFor();
  return { context, page, resynced };
}
