import { join } from 'node:path';

import { type APIRequestContext, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ContactDto } from '@contracts/dto/contact';
import { type UserDto } from '@contracts/dto/user';
import { type AppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { ShellPage } from '@test/e2e/pages/shell-page';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/**
 * Issue #12, "nothing tells you that work has arrived": an operator's open tab hears at once that a supervisor handed
 * them a contact (`record:reassigned`, pushed to `user:<id>`), in Russian, and the notification opens the contact.
 * Debian chromium against the real server, PostgreSQL and Socket.IO; the supervisor acts through the public API.
 */
describe('notifications: work handed to an operator shows in their open tab', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let page: Page;
  let supervisorContext: BrowserContext;
  let supervisor: APIRequestContext;
  let pageErrors: string[] = [];
  const name = `Пётр Звонарёв ${Math.floor(Math.random() * 90_000) + 10_000}`;
  let contact: ContactDto | undefined;
  let resynced: Promise<unknown>;

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1280, height: 800 });
    ({ server, page, pageErrors } = session);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    // The tab asks for the live calls right after its socket connects: from then on pushes reach it.
    resynced = page.waitForResponse((r) => r.url().includes('/api/calls/active'), { timeout: 30_000 });
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
    supervisorContext = await session.browser.newContext();
    supervisor = supervisorContext.request;
    const res = await supervisor.post(`${server.baseUrl}/api/auth/login`, {
      data: { login: 'supervisor', password: 'zvonok' },
      headers: API_HEADERS,
    });
    expect(res.status()).toBe(200);
  });

  afterAll(async () => {
    if (contact) await session?.dataSource.query('DELETE FROM contacts WHERE id = $1', [contact.id]);
    await supervisorContext?.close();
    await session?.close();
  });

  it('a supervisor hands a contact to operator1: the operator’s tab says so in Russian and opens it', async () => {
    const me = (await (await page.context().request.get(`${server.baseUrl}/api/auth/me`)).json()) as { user: UserDto };
    const made = await supervisor.post(`${server.baseUrl}/api/contacts`, {
      data: { name, phones: [] },
      headers: API_HEADERS,
    });
    expect(made.status(), await made.text()).toBe(201);
    contact = (await made.json()) as ContactDto;
    await resynced;
    const handed = await supervisor.post(`${server.baseUrl}/api/contacts/${contact.id}/reassign`, {
      data: { userId: me.user.id },
      headers: API_HEADERS,
    });
    expect(handed.status(), await handed.text()).toBe(200);

    const note = page.getByTestId('notification').filter({ hasText: name });
    await note.waitFor({ timeout: 15_000 });
    expect(await note.innerText()).toContain(`Вам передан контакт: ${name}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'notification.png') });

    await note.getByRole('link').click();
    await page.waitForURL(new RegExp(`#/contacts/${contact.id}$`));
    expect(await page.getByTestId('notification').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
