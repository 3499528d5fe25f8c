import { join } from 'node:path';

import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CompanyDto } from '@contracts/dto/company';
import { type ContactDto } from '@contracts/dto/contact';
import { type DealDto } from '@contracts/dto/deal';
import { type TaskDto } from '@contracts/dto/task';
import { type AppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { ShellPage } from '@test/e2e/pages/shell-page';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/**
 * The top bar's search and the client timeline (issue #12) on the contact and company pages, in Debian chromium
 * against the real server and Postgres: a past call with its operator's outcome and a playable recording, a note, a
 * task done and a deal's stage change, newest first, filtered by kind. No PBX: the call and its recording are seeded
 * through the real recorder (a real Opus file made by ffmpeg).
 */
describe('timeline: the client’s history on the contact and company pages', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const suffix = String(Math.floor(Math.random() * 90_000) + 10_000);
  const digits = `${suffix}${String(Math.floor(Math.random() * 90) + 10)}`;
  const caller = `+7916${digits}`;
  const note = `Просит звонить после обеда ${suffix}`;
  const wrapUp = `Перезвонить в пятницу ${suffix}`;
  let company: CompanyDto;
  let contact: ContactDto;
  let deal: DealDto;
  let task: TaskDto;

  const api = async <T>(method: 'post' | 'patch', path: string, data?: unknown): Promise<T> => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1440, height: 900 });
    ({ server, context, page, pageErrors } = session);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('supervisor', 'zvonok');
    await new ShellPage(page).root().waitFor();

    company = await api<CompanyDto>('post', '/api/companies', { name: `Ромашка ${suffix}` });
    contact = await api<ContactDto>('post', '/api/contacts', {
      name: `Анна Ёлкина ${suffix}`,
      companyId: company.id,
      phones: [{ raw: `8 916 ${digits}`, label: null }],
    });
    const callId = await session.seedRecordedCall({
      fromRaw: `8916${digits}`,
      fromE164: caller,
      startedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      answeredBy: '1001',
      talkSeconds: 4,
    });
    await session.dataSource.query(
      `UPDATE calls SET wrap_up_outcome = 'callback', wrap_up_note = $2, wrap_up_at = started_at + interval '5 min',
         wrap_up_by = (SELECT id FROM users WHERE login = 'operator1') WHERE id = $1`,
      [callId, wrapUp],
    );
    await api('post', '/api/notes', { body: note, entityType: 'contact', entityId: contact.id });
    deal = await api<DealDto>('post', '/api/deals', { title: `Поставка ${suffix}`, contactId: contact.id });
    await api('patch', `/api/deals/${deal.id}`, { stage: 'proposal' });
    task = await api<TaskDto>('post', '/api/tasks', {
      title: `Отправить КП ${suffix}`,
      entityType: 'contact',
      entityId: contact.id,
    });
    await api('patch', `/api/tasks/${task.id}`, { done: true });
  });

  afterAll(async () => {
    const db = session?.dataSource;
    if (db && contact) {
      await db.query(`DELETE FROM tasks WHERE id = $1`, [task?.id ?? null]);
      await db.query(`DELETE FROM notes WHERE entity_id = $1`, [contact.id]);
      await db.query(`DELETE FROM deals WHERE id = $1`, [deal?.id ?? null]);
      await db.query(`DELETE FROM contacts WHERE id = $1`, [contact.id]);
      await db.query(`DELETE FROM companies WHERE id = $1`, [company.id]);
    }
    await session?.close();
  });

  it('opens the client from the top bar’s search: `/`, then the number typed as 8 916 …', async () => {
    await page.goto(`${server.baseUrl}/#/deals`);
    await page.locator('body').press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('global-search');
    await page.keyboard.type(`8 916 ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`);
    const hit = page.getByTestId('global-search-hit').filter({ hasText: contact.name });
    await hit.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'global-search.png') });
    await hit.click();
    await page.waitForURL(`**/#/contacts/${contact.id}`);
    await page.getByTestId('timeline').waitFor();
  });

  it('shows the past call with its outcome and recording, the note, the task and the deal’s stages', async () => {
    await page.goto(`${server.baseUrl}/#/contacts/${contact.id}`);
    const timeline = page.getByTestId('timeline');
    const items = timeline.getByTestId('timeline-item');
    await timeline.getByText(wrapUp).waitFor();
    const texts = await items.allTextContents();
    // Newest first: the task done, the task, the stage change, the deal, the note… and the call two days ago last.
    expect(texts.at(-1)).toContain('Входящий звонок');
    expect(texts.at(-1)).toContain(wrapUp);
    expect(texts.at(-1)).toContain('Перезвонить');
    expect(texts.some((s) => s.includes(`Сделка «Поставка ${suffix}»: Новая → Предложение`))).toBe(true);
    expect(texts.some((s) => s.includes(note))).toBe(true);
    expect(texts.some((s) => s.includes(`Задача выполнена: Отправить КП ${suffix}`))).toBe(true);

    await timeline.getByTestId('timeline-listen').click();
    await timeline.locator('[data-testid="player"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline.png'), fullPage: true });

    await timeline.getByTestId('timeline-kind').selectOption('call');
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="timeline-item"]')].every(
          (el) => el.getAttribute('data-kind') === 'call',
        ) && document.querySelectorAll('[data-testid="timeline-item"]').length === 1,
    );
    expect(pageErrors).toEqual([]);
  });

  it('a company’s page shows its contacts’ history too', async () => {
    await page.goto(`${server.baseUrl}/#/companies/${company.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.getByText(note).waitFor();
    await timeline.getByText(wrapUp).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
