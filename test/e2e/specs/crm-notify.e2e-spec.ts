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
 * Issue #12 as people meet it, in Debian chromium against the real server and PostgreSQL (telephony off: the
 * softphone is not registered, so a dial goes through POST /api/calls/originate, which checks do-not-call first):
 * the operator's bell hears of a task a supervisor hands over, a do-not-call client is refused with a clear message,
 * and a supervisor is warned of a duplicate number and merges the two contacts (and undoes it).
 */
describe('notifications, do-not-call and duplicates in the browser', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let page: Page;
  let supervisorContext: BrowserContext;
  let supervisor: APIRequestContext;
  let supervisorPage: Page;
  let pageErrors: string[] = [];
  const tag = Math.floor(Math.random() * 90_000) + 10_000;
  const contactIds: string[] = [];
  const taskIds: string[] = [];

  const api = async <T>(method: 'post' | 'get', path: string, data?: unknown): Promise<T> => {
    const res = await supervisor[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return (await res.json()) as T;
  };
  const contact = async (body: Record<string, unknown>) => {
    const made = await api<ContactDto>('post', '/api/contacts', body);
    contactIds.push(made.id);
    return made;
  };

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1440, height: 900 });
    ({ server, page, pageErrors } = session);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    const resynced = page.waitForResponse((r) => r.url().includes('/api/calls/active'), { timeout: 30_000 });
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
    await resynced;
    supervisorContext = await session.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU' });
    supervisorPage = await supervisorContext.newPage();
    supervisorPage.on('pageerror', (error) => pageErrors.push(error.message));
    const supLogin = new LoginPage(supervisorPage);
    await supLogin.open(server.baseUrl);
    await supLogin.logIn('supervisor', 'zvonok');
    await new ShellPage(supervisorPage).root().waitFor();
    supervisor = supervisorContext.request;
  });

  afterAll(async () => {
    await session?.dataSource.query('DELETE FROM notifications WHERE entity_id = ANY($1)', [
      [...taskIds, ...contactIds],
    ]);
    await session?.dataSource.query('DELETE FROM tasks WHERE id = ANY($1)', [taskIds]);
    await session?.dataSource.query('DELETE FROM contacts WHERE id = ANY($1)', [contactIds]);
    await supervisorContext?.close();
    await session?.close();
  });

  it("a supervisor hands a task to operator1: the operator's bell counts it at once and lists it", async () => {
    const me = (await (await page.context().request.get(`${server.baseUrl}/api/auth/me`)).json()) as { user: UserDto };
    const title = `Отправить договор ${tag}`;
    const second = `Уточнить адрес доставки ${tag}`;
    for (const name of [title, second]) {
      const task = await api<{ id: string }>('post', '/api/tasks', { title: name });
      taskIds.push(task.id);
      await api('post', `/api/tasks/${task.id}/reassign`, { userId: me.user.id });
    }

    const toast = page.getByTestId('notification').filter({ hasText: title });
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.innerText()).toContain(`Вам передана задача: ${title}`);
    await page.getByTestId('notification').filter({ hasText: second }).waitFor();
    const badge = page.getByTestId('notification-unread');
    const unread = Number(await badge.innerText());
    expect(unread).toBeGreaterThanOrEqual(2);
    await page.getByTestId('notification-bell').click();
    const item = page.getByTestId('notification-item').filter({ hasText: title });
    await item.waitFor();
    await page.getByTestId('notification-item').filter({ hasText: second }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'notification-bell.png') });

    await item.getByTestId('notification-read').click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="notification-unread"]')?.textContent === String(n),
      unread - 1,
    );
    await page.getByTestId('notification-read-all').click();
    await badge.waitFor({ state: 'detached' });
    await page.getByTestId('notification-bell').click();
  });

  it('dialling a do-not-call client is refused with a clear message, and nothing is dialled', async () => {
    const digits = String(tag).padStart(5, '0');
    await contact({
      name: `Не звонить ${tag}`,
      phones: [{ raw: `+7 916 70${digits.slice(0, 1)} ${digits.slice(1)}` }],
      doNotCall: true,
    });
    await page.getByTestId('softphone-dial-input').fill(`8 916 70${digits.slice(0, 1)}-${digits.slice(1)}`);
    await page.getByTestId('softphone-dial-submit').click();
    const refusal = page.getByTestId('softphone-dnc');
    await refusal.waitFor({ timeout: 15_000 });
    const text = await refusal.innerText();
    expect(text).toContain('Звонок не набран');
    expect(text).toContain('просил не звонить');
    // An operator may not override it.
    expect(text).toContain('только супервизор или менеджер');
    expect(await page.getByTestId('softphone-dnc-override').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'softphone-do-not-call.png') });
  });

  it('a supervisor typing a number another contact has is warned, merges that contact in, and can undo it', async () => {
    const phone = `+7 916 71${String(tag).padStart(5, '0').slice(0, 1)} ${String(tag).slice(-4)}`;
    const kept = await contact({ name: `Анна Ёлкина ${tag}`, phones: [] });
    const duplicate = await contact({ name: `Елкина Анна (дубль) ${tag}`, phones: [{ raw: phone }] });
    const note = await api<{ id: string }>('post', '/api/notes', {
      body: 'Просила перезвонить после обеда',
      entityType: 'contact',
      entityId: duplicate.id,
    });
    expect(note.id).toBeTruthy();

    await supervisorPage.goto(`${server.baseUrl}/#/contacts/${kept.id}`);
    await supervisorPage.getByTestId('contact-form').waitFor();
    await supervisorPage.getByTestId('contact-add-phone').click();
    await supervisorPage.getByTestId('contact-phone-input').last().fill(phone);
    const warning = supervisorPage.getByTestId('contact-duplicate');
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.innerText()).toContain(duplicate.name);
    await supervisorPage.screenshot({ path: join(SCREENSHOTS, 'contact-duplicate.png') });

    supervisorPage.once('dialog', (dialog) => void dialog.accept());
    await warning.getByTestId('contact-duplicate-merge').click();
    const merged = supervisorPage.getByTestId('contact-merged');
    await merged.waitFor({ timeout: 15_000 });
    expect(await merged.innerText()).toContain('заметки (1)');
    await supervisorPage.screenshot({ path: join(SCREENSHOTS, 'contact-merge.png') });
    const gone = await supervisor.get(`${server.baseUrl}/api/contacts/${duplicate.id}`);
    expect(gone.status()).toBe(404);

    await merged.getByTestId('merge-undo').click();
    await supervisorPage.getByTestId('merge-undone').waitFor();
    const back = await supervisor.get(`${server.baseUrl}/api/contacts/${duplicate.id}`);
    expect(back.status()).toBe(200);
    expect(pageErrors).toEqual([]);
  });
});
