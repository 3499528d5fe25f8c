import { join } from 'node:path';

import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ContactDto } from '@contracts/dto/contact';
import { type DealDto } from '@contracts/dto/deal';
import { type LeadDto } from '@contracts/dto/lead';
import { type TaskDto } from '@contracts/dto/task';
import { type AppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { ShellPage } from '@test/e2e/pages/shell-page';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/**
 * Issue #12 tried as a new operator would, in Debian chromium against the real server and Postgres: open a client by
 * typing their number as `8 916 …` in the top bar, see their past call (outcome, note, playable recording), notes,
 * tasks and deal history on their page, make a deal and a task right there, move the deal on its own page, and turn
 * a lead into a contact plus a deal from the lead's page. Then the same pages at 390 px wide. No PBX: the past call
 * and its recording are seeded through the real recorder (a real Opus file made by ffmpeg).
 */
describe('client pages: from the search box to the client, their deals, tasks and a converted lead', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const suffix = String(Math.floor(Math.random() * 90_000) + 10_000);
  const digits = `${suffix}${String(Math.floor(Math.random() * 90) + 10)}`;
  const wrapUp = `Обещал подумать до понедельника ${suffix}`;
  const note = `Любит звонки утром ${suffix}`;
  const dealTitle = `Годовой сервис ${suffix}`;
  const taskTitle = `Выслать договор ${suffix}`;
  const leadName = `Марина с выставки ${suffix}`;
  let contact: ContactDto;
  let lead: LeadDto;
  const made = { contacts: [] as string[], deals: [] as string[], leads: [] as string[] };

  const api = async <T>(method: 'get' | 'post' | 'patch', path: string, data?: unknown): Promise<T> => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const shot = (name: string, fullPage = false) => page.screenshot({ path: join(SCREENSHOTS, name), fullPage });
  /**
   * No sideways scrolling: the page is no wider than the window. When it is, the innermost elements that stick out
   * (inside no scrolling box of their own) name the culprit.
   */
  const scrollsSideways = () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      const clipped = (el: Element) => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
        }
        return false;
      };
      return [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
        .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
        .slice(0, 8)
        .map(
          (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}[${el.getAttribute('data-testid') ?? ''}]`,
        );
    });

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1440, height: 900 });
    ({ server, context, page, pageErrors } = session);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();

    // The operator's own client, a call they took two days ago (with its recording and their wrap-up), a note.
    contact = await api<ContactDto>('post', '/api/contacts', {
      name: `Ольга Ёжикова ${suffix}`,
      phones: [{ raw: `8 916 ${digits}`, label: null }],
    });
    made.contacts.push(contact.id);
    const callId = await session.seedRecordedCall({
      fromRaw: `8916${digits}`,
      fromE164: `+7916${digits}`,
      startedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      answeredBy: '1001',
      talkSeconds: 4,
    });
    await session.dataSource.query(
      `UPDATE calls SET contact_id = $3, wrap_up_outcome = 'callback', wrap_up_note = $2,
         wrap_up_at = started_at + interval '5 min', wrap_up_by = (SELECT id FROM users WHERE login = 'operator1')
       WHERE id = $1`,
      [callId, wrapUp, contact.id],
    );
    await api('post', '/api/notes', { body: note, entityType: 'contact', entityId: contact.id });
    lead = await api<LeadDto>('post', '/api/leads', { name: leadName, phone: `+7903${digits}` });
    made.leads.push(lead.id);
  });

  afterAll(async () => {
    const db = session?.dataSource;
    if (db) {
      const contacts = [...made.contacts];
      const converted = (await db.query(`SELECT contact_id, deal_id FROM leads WHERE id = ANY($1)`, [made.leads])) as {
        contact_id: string | null;
        deal_id: string | null;
      }[];
      for (const row of converted) if (row.contact_id) contacts.push(row.contact_id);
      await db.query(`DELETE FROM tasks WHERE entity_id = ANY($1) OR entity_id = ANY($2)`, [contacts, made.leads]);
      await db.query(`DELETE FROM notes WHERE entity_id = ANY($1)`, [contacts]);
      await db.query(`DELETE FROM leads WHERE id = ANY($1)`, [made.leads]);
      await db.query(`DELETE FROM deals WHERE contact_id = ANY($1)`, [contacts]);
      await db.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contacts]);
    }
    await session?.close();
  });

  it('1. opens the client by typing 8 916 … in the top bar’s search box', async () => {
    await page.goto(`${server.baseUrl}/#/tasks`);
    await page.getByTestId('global-search').click();
    await page.keyboard.type(`8 916 ${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`);
    const hit = page.getByTestId('global-search-hit').filter({ hasText: contact.name });
    await hit.waitFor();
    await shot('client-search.png');
    await hit.click();
    await page.waitForURL(`**/#/contacts/${contact.id}`);
    await page.getByTestId('timeline').waitFor();
  });

  it('2. sees the past call with its outcome and a recording that plays, and the note', async () => {
    const timeline = page.getByTestId('timeline');
    await timeline.getByText(wrapUp).waitFor();
    await timeline.getByText(note).first().waitFor();
    await timeline.getByTestId('timeline-listen').click();
    await timeline.locator('[data-testid="player"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await shot('client-history.png', true);
  });

  it('3. makes a deal and a task from the client’s page; both show in the history and open their own pages', async () => {
    await page.getByTestId('contact-new-deal').locator('summary').click();
    await page.getByTestId('new-deal-title').fill(dealTitle);
    await page.getByTestId('new-deal-amount').fill('120000');
    await page.getByTestId('new-deal-save').click();
    await page.getByTestId('new-deal-created').waitFor();
    await page.getByTestId('contact-deals').getByText(dealTitle).waitFor();

    await page.getByTestId('contact-new-task').locator('summary').click();
    await page.getByTestId('new-task-title').fill(taskTitle);
    await page.getByTestId('new-task-due').fill('2031-05-20T10:30');
    await page.getByTestId('new-task-save').click();
    await page.getByTestId('new-task-created').waitFor();

    const timeline = page.getByTestId('timeline');
    await timeline.getByText(`Сделка «${dealTitle}» создана: Новая`).waitFor();
    await timeline.getByText(`Задача: ${taskTitle}`).waitFor();
    await shot('client-new-deal-and-task.png', true);

    // The deal's own page: move it on and give it a new amount; its stage history says who did it and when.
    await timeline.getByText(`Сделка «${dealTitle}» создана: Новая`).click();
    await page.waitForURL('**/#/deals/*');
    const dealId = decodeURIComponent(page.url().split('/deals/')[1]!);
    made.deals.push(dealId);
    await page.getByTestId('deal-stage-input').selectOption('proposal');
    await page.getByTestId('deal-amount-input').fill('150000');
    await page.getByTestId('deal-save').click();
    const history = page.getByTestId('deal-history-item');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="deal-history-item"]').length === 2);
    expect(await history.first().textContent()).toContain('Новая → Предложение');
    const deal = await api<DealDto>('get', `/api/deals/${dealId}`);
    expect(deal).toMatchObject({ stage: 'proposal', amount: '150000.00', contactId: contact.id });
    await shot('deal-page.png', true);

    // The task's page, from the client's list of open tasks.
    await page.goto(`${server.baseUrl}/#/contacts/${contact.id}`);
    await page.getByTestId('contact-activity').getByRole('link', { name: taskTitle }).click();
    await page.waitForURL('**/#/tasks/*');
    expect(await page.getByTestId('task-title-input').inputValue()).toBe(taskTitle);
    expect(pageErrors).toEqual([]);
  });

  it('4. converts a lead from its page into a contact plus a first deal', async () => {
    await page.goto(`${server.baseUrl}/#/leads`);
    await page.getByTestId('lead-link').filter({ hasText: leadName }).click();
    await page.waitForURL(`**/#/leads/${lead.id}`);
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('lead-convert-name').inputValue()).toBe(leadName);
    await page.getByTestId('lead-convert-deal').fill(`Стенд на выставке ${suffix}`);
    await page.getByTestId('lead-convert-amount').fill('45000');
    await shot('lead-page.png', true);
    await page.getByTestId('lead-convert-save').click();
    await page.getByTestId('lead-converted').waitFor();
    await page.getByTestId('timeline').getByText(`Лид конвертирован: ${leadName}`).waitFor();
    await shot('lead-converted.png', true);

    const converted = await api<LeadDto>('get', `/api/leads/${lead.id}`);
    expect(converted).toMatchObject({ status: 'converted', contactId: expect.any(String), dealId: expect.any(String) });
    await page.getByTestId('lead-deal-link').click();
    await page.waitForURL(`**/#/deals/${converted.dealId}`);
    expect(await page.getByTestId('deal-title-input').inputValue()).toBe(`Стенд на выставке ${suffix}`);
    await page.getByTestId('deal-contact-link').click();
    await page.waitForURL(`**/#/contacts/${converted.contactId}`);
    await page.locator('#contact-title', { hasText: leadName }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('5. a supervisor gives the task to another operator from the task’s page', async () => {
    const tasks = await api<{ items: TaskDto[] }>(
      'get',
      `/api/tasks?entityType=contact&entityId=${contact.id}&limit=5&offset=0`,
    );
    const task = tasks.items.find((x) => x.title === taskTitle)!;
    const supervisor = await session.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU' });
    try {
      const sup = await supervisor.newPage();
      sup.on('pageerror', (e) => pageErrors.push(e.message));
      await new LoginPage(sup).open(server.baseUrl);
      await new LoginPage(sup).logIn('supervisor', 'zvonok');
      await new ShellPage(sup).root().waitFor();
      await sup.goto(`${server.baseUrl}/#/tasks/${task.id}`);
      const users = (await (await supervisor.request.get(`${server.baseUrl}/api/users`)).json()) as {
        items: { id: string; login: string }[];
      };
      const operator2 = users.items.find((u) => u.login === 'operator2')!;
      await sup.getByTestId('reassign-user').selectOption(operator2.id);
      await sup.getByTestId('reassign-save').click();
      await sup.getByText('Теперь ответственный').waitFor();
      await sup.screenshot({ path: join(SCREENSHOTS, 'reassign-task.png') });
      const byDb = (await session.dataSource.query(`SELECT assignee_id FROM tasks WHERE id = $1`, [task.id])) as {
        assignee_id: string;
      }[];
      expect(byDb[0]!.assignee_id).toBe(operator2.id);
    } finally {
      await supervisor.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('6. the client, deal and lead pages fit a 390-px phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/contacts/${contact.id}`, `/deals/${made.deals[0]}`, `/leads/${lead.id}`]) {
      await page.goto(`${server.baseUrl}/#${path}`);
      await page.getByTestId('timeline').or(page.getByTestId('deal-history')).first().waitFor();
      expect([path, await scrollsSideways()]).toEqual([path, []]);
    }
    await page.goto(`${server.baseUrl}/#/contacts/${contact.id}`);
    await page.getByTestId('timeline').getByText(wrapUp).waitFor();
    await shot('client-page-390.png', true);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(pageErrors).toEqual([]);
  });
});
