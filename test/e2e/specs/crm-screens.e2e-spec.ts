import { join } from 'node:path';

import { type BrowserContext, type Page } from 'playwright-core';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DealDto } from '@contracts/dto/deal';
import { type UserDto } from '@contracts/dto/user';
import { type AppServer } from '@test/e2e/pages/app-server';
import { DealsBoardPage } from '@test/e2e/pages/deals-board-page';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { ShellPage } from '@test/e2e/pages/shell-page';
import { createUser, deleteUsers, TEST_PASSWORD } from '@test/support/api-server';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/**
 * Kanban, contacts import and call log in Debian chromium against the real server and Postgres. No PBX: the
 * call and its recording are seeded (call events through the real recorder, a real Opus file made by ffmpeg).
 */
describe('CRM screens: kanban, import, call log', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let context: BrowserContext;
  let page: Page;
  let db: { dataSource: DataSource };
  let pageErrors: string[] = [];
  const suffix = String(Math.floor(Math.random() * 90_000) + 10_000);

  const api = async <T>(method: 'get' | 'post' | 'patch', path: string, data?: unknown): Promise<T> => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const logInAs = async (login: string, password = 'zvonok') => {
    await context.clearCookies();
    const loginPage = new LoginPage(page);
    await loginPage.open(server.baseUrl);
    await loginPage.logIn(login, password);
    await new ShellPage(page).root().waitFor();
  };

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1280, height: 720 });
    ({ server, context, page, pageErrors } = session);
    db = { dataSource: session.dataSource };
  });

  afterAll(async () => {
    await session?.close();
  });

  describe('deals pipeline', () => {
    const title = `Канбан e2e ${suffix}`;
    let deal: DealDto;

    beforeAll(async () => {
      await logInAs('manager');
      deal = await api<DealDto>('post', '/api/deals', { title, stage: 'new', amount: '150000' });
    });

    it('drags a deal to another stage; the move and the column totals survive a reload', async () => {
      await new ShellPage(page).nav('deals').click();
      const board = new DealsBoardPage(page);
      await board.card(title).waitFor();
      expect(await board.cardIn('new', title).count()).toBe(1);
      const proposalTotalBefore = await board.total('proposal').textContent();

      const patched = page.waitForResponse(
        (r) => r.url().endsWith(`/api/deals/${deal.id}`) && r.request().method() === 'PATCH',
      );
      await board.drag(board.card(title), 'proposal');
      // Optimistic: the card is in the new column even before the server answers.
      await board.cardIn('proposal', title).waitFor();
      expect((await patched).status()).toBe(200);
      expect(await board.total('proposal').textContent()).not.toBe(proposalTotalBefore);
      await page.screenshot({ path: join(SCREENSHOTS, 'kanban.png') });

      await page.reload();
      await board.cardIn('proposal', title).waitFor();
      expect(await board.cardIn('new', title).count()).toBe(0);
      expect((await api<DealDto>('get', `/api/deals/${deal.id}`)).stage).toBe('proposal');
    });

    it('moves the card back and says so when the server refuses the move', async () => {
      const board = new DealsBoardPage(page);
      // A real refusal: someone else deletes the deal while this board still shows it.
      const deleted = await context.request.delete(`${server.baseUrl}/api/deals/${deal.id}`, { headers: API_HEADERS });
      expect(deleted.status()).toBe(204);
      const refused = page.waitForResponse(
        (r) => r.url().endsWith(`/api/deals/${deal.id}`) && r.request().method() === 'PATCH',
      );
      // The keyboard-accessible path: the stage select under the card.
      await board.card(title).getByTestId('deal-card-stage').selectOption('won');
      expect((await refused).status()).toBe(404);
      await page.getByTestId('kanban-move-error').waitFor();
      expect(await page.getByTestId('kanban-move-error').textContent()).toContain(title);
      await board.cardIn('proposal', title).waitFor();
      expect(await board.cardIn('won', title).count()).toBe(0);
    });
  });

  describe('deals pipeline from the keyboard', () => {
    it('picks a card up with Space, moves it with the arrow keys and drops it with Space', async () => {
      const title = `Клавиатура e2e ${suffix}`;
      const deal = await api<DealDto>('post', '/api/deals', { title, stage: 'proposal', amount: '1000' });
      await page.goto(`${server.baseUrl}/#/deals`);
      await page.reload();
      const board = new DealsBoardPage(page);
      const handle = board.cardIn('proposal', title).getByTestId('deal-card-handle');
      await handle.focus();
      await page.keyboard.press('Space');
      // dnd-kit's keyboard sensor moves the card 25 px per press; one column is about 170 px to the right.
      for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowRight');
      const patched = page.waitForResponse(
        (r) => r.url().endsWith(`/api/deals/${deal.id}`) && r.request().method() === 'PATCH',
      );
      await page.keyboard.press('Space');
      expect((await patched).status()).toBe(200);
      await board.cardIn('negotiation', title).waitFor();
      expect((await api<DealDto>('get', `/api/deals/${deal.id}`)).stage).toBe('negotiation');
    });
  });

  describe('companies', () => {
    it('creates a company and edits it', async () => {
      const name = `ООО «Тест ${suffix}»`;
      await new ShellPage(page).nav('companies').click();
      await page.getByTestId('company-new').click();
      await page.getByTestId('company-name-input').fill(name);
      await page.getByTestId('company-inn-input').fill('7707083893');
      await page.getByTestId('company-phone-input').fill('8 (495) 500-55-50');
      await page.getByTestId('company-save').click();
      await page.waitForURL(/#\/companies\/[0-9a-f-]{36}$/);
      await page.getByTestId('company-website-input').fill('https://example.ru');
      await page.getByTestId('company-save').click();
      await page.getByText('Компания сохранена').waitFor();
      await new ShellPage(page).nav('companies').click();
      await page.getByTestId('companies-search').fill(suffix);
      const row = page.getByTestId('company-row').filter({ hasText: name });
      await row.filter({ hasText: 'example.ru' }).waitFor();
      expect(await row.textContent()).toContain('7707083893');
    });
  });

  describe('contacts import', () => {
    it('imports a CSV with a bad row and a duplicate: report shown, good rows imported', async () => {
      await logInAs('operator1');
      await page.goto(`${server.baseUrl}/#/contacts/import`);
      const csv = [
        'Имя;Телефон;Теги',
        `Импорт Первый ${suffix};8 (915) ${suffix.slice(0, 3)}-${suffix.slice(3)}-01;e2e`,
        `Импорт Плохой ${suffix};не номер;e2e`,
        `Импорт Дубль ${suffix};+7915${suffix}01;e2e`,
        `Импорт Второй ${suffix};+7 915 ${suffix}02;e2e`,
      ].join('\n');
      await page.getByTestId('import-file').setInputFiles({
        name: 'contacts.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await page.getByTestId('import-mapping').waitFor();
      expect(await page.getByTestId('import-map-name').inputValue()).toBe('0');
      expect(await page.getByTestId('import-map-phone').inputValue()).toBe('1');
      await page.getByTestId('import-map-tags').selectOption('2');
      await page.getByTestId('import-start').click();
      await page.locator('[data-testid="import-progress"][data-status="done"]').waitFor();
      const report = page.getByTestId('import-report');
      expect(await report.getByTestId('import-imported').textContent()).toBe('Импортировано: 2');
      expect(await report.getByTestId('import-invalid').textContent()).toBe('С ошибками: 1');
      expect(await report.getByTestId('import-duplicates').textContent()).toBe('Дубликаты: 1');
      const problems = report.getByTestId('import-problem');
      expect(await problems.count()).toBe(2);
      expect(await problems.nth(0).getAttribute('data-line')).toBe('3');
      expect(await problems.nth(0).textContent()).toContain('неверный номер телефона');
      expect(await problems.nth(1).getAttribute('data-line')).toBe('4');
      expect(await problems.nth(1).textContent()).toContain('дубликат строки 2');
      await page.screenshot({ path: join(SCREENSHOTS, 'contacts-import.png') });

      await page.goto(`${server.baseUrl}/#/contacts`);
      await page.getByTestId('contacts-search').fill(`Импорт`);
      await page.getByTestId('contacts-tag-filter').fill('e2e');
      const names = page.getByTestId('contact-name');
      await page.waitForFunction(
        (s) =>
          document.querySelectorAll('[data-testid="contact-name"]').length === 2 &&
          [...document.querySelectorAll('[data-testid="contact-name"]')].every((n) => n.textContent?.includes(s)),
        suffix,
      );
      expect((await names.allTextContents()).sort()).toEqual([`Импорт Второй ${suffix}`, `Импорт Первый ${suffix}`]);
    });
  });

  describe('call log', () => {
    const digits = `${suffix}${String(Math.floor(Math.random() * 90) + 10)}`;
    const caller = `+7916${digits}`;
    let callId: string;

    beforeAll(async () => {
      // A real Opus/Ogg file, as the recordings ingest stores it, and its row under the storage-key layout.
      callId = await session.seedRecordedCall({
        fromRaw: `8916${digits}`,
        fromE164: caller,
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
        answeredBy: '1001',
        talkSeconds: 4,
      });
      await logInAs('supervisor');
    });

    it('filters by a number typed in another format and by operator, and plays the recording', async () => {
      await new ShellPage(page).nav('calls').click();
      await page
        .getByTestId('calllog-phone')
        .fill(`8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`);
      const rows = page.getByTestId('calllog-row');
      await page.locator(`[data-testid="calllog-row"][data-call-id="${callId}"]`).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="calllog-row"]').length === 1);
      expect(await rows.first().textContent()).toContain('Отвечен');

      const operators = await api<{ items: UserDto[] }>('get', '/api/users');
      const op1 = operators.items.find((u) => u.login === 'operator1')!;
      const op2 = operators.items.find((u) => u.login === 'operator2')!;
      await page.getByTestId('calllog-operator').selectOption(op2.id);
      await page.getByTestId('empty').waitFor();
      await page.getByTestId('calllog-operator').selectOption(op1.id);
      await rows.first().waitFor();
      await page.getByTestId('calllog-disposition').selectOption('missed');
      await page.getByTestId('empty').waitFor();
      await page.getByTestId('calllog-disposition').selectOption('answered');
      await rows.first().waitFor();

      await rows.first().getByTestId('calllog-listen').click();
      await page.locator('[data-testid="player"][data-ready="true"]').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('player-time').textContent()).toMatch(/0:00 \/ 0:0[34]/);
      await page.getByTestId('player-toggle').click();
      await page.waitForFunction(
        () => !/^0:00 /.test(document.querySelector('[data-testid="player-time"]')?.textContent ?? ''),
        undefined,
        { timeout: 10_000 },
      );
      await page.screenshot({ path: join(SCREENSHOTS, 'call-log.png') });
      await page.getByTestId('player-toggle').click();
    });

    it('explains a refused recording (403) instead of showing a broken player', async () => {
      // A real refusal: a supervisor has the log open with its listen buttons, then loses the role (made an admin,
      // who may see every call but not listen: recordings.service mayListenByRole). The server checks per request.
      const supervisor = await createUser(db.dataSource, `e2e-sup-${suffix}`, 'supervisor');
      try {
        await logInAs(supervisor.login, TEST_PASSWORD);
        await new ShellPage(page).nav('calls').click();
        await page.getByTestId('calllog-phone').fill(caller);
        const listen = page
          .locator(`[data-testid="calllog-row"][data-call-id="${callId}"]`)
          .getByTestId('calllog-listen');
        await listen.waitFor();
        await db.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [supervisor.id]);
        const refused = page.waitForResponse((r) => r.url().includes('/api/recordings/'));
        await listen.click();
        expect((await refused).status()).toBe(403);
        await page.getByTestId('player-forbidden').waitFor();
        expect(await page.getByTestId('player-forbidden').textContent()).toContain('нет прав');
        expect(pageErrors).toEqual([]);
      } finally {
        await deleteUsers(db.dataSource, [supervisor.id]);
      }
    });
  });
});
