import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { type BrowserContext, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ADMIN_TAB_NAMES, parseRoute, type Route } from '@client/app/router';
import { ru } from '@client/i18n/ru';
import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { inboundCall, party } from '@test/support/synthetic-calls';

/**
 * Issue #14, item 5: in Russian mode no screen shows an English word. Logs in as each role in Debian chromium, walks
 * every route of client/src/app/router.ts (plus the login page, the user menu and a live pop card), and compares
 * what a person reads — the visible text, placeholders, tooltips and accessible names — against the ru
 * dictionary: a Latin word must come from a ru value (ASA, AHT, SL, CSV, …) or from data (names, logins, emails,
 * queues, tags: whatever the database holds is not UI text), or be the brand. Real server, Postgres and Redis; the
 * pop is a synthetic call put on the real event bus.
 */
const ROLES = ['admin', 'manager', 'supervisor', 'operator1'] as const;

/** Every route name: a new route in router.ts fails tsc here until this walk covers it. */
const ROUTE_NAMES: Record<Route['name'], true> = {
  contacts: true,
  'contact-new': true,
  'contacts-import': true,
  companies: true,
  'company-new': true,
  'company-edit': true,
  'contact-edit': true,
  leads: true,
  deals: true,
  tasks: true,
  lead: true,
  deal: true,
  task: true,
  calls: true,
  analytics: true,
  'my-stats': true,
  wallboard: true,
  review: true,
  integrations: true,
  admin: true,
  audit: true,
  campaigns: true,
  products: true,
  'not-found': true,
};

/** Latin words of the Russian dictionary (abbreviations such as ASA, AHT, SL, CSV), placeholders left out. */
function dictionaryLatin(): Set<string> {
  const words = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const w of v.replace(/\{\{[^}]*\}\}/g, ' ').match(/[A-Za-z][A-Za-z'’-]*/g) ?? []) words.add(w);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(ru);
  return words;
}
const ALLOWED = new Set([...dictionaryLatin(), 'Zvonok', 'GMT', 'UTC']);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * English words left in a screen's text once data (longest first; any case, CSS may upper-case it), addresses
 * (e-mails, URLs, host names) and key combinations (Alt+A: the keys are labelled so on Russian keyboards too) are
 * taken out.
 */
function englishWords(text: string, data: readonly string[]): string[] {
  let rest = text;
  // Whole words only: the tag "en" must not eat the "En" of "Enter".
  for (const value of data)
    rest = rest.replace(new RegExp(`(?<![\\p{L}\\d])${escape(value)}(?![\\p{L}\\d])`, 'giu'), ' ');
  rest = rest
    .replace(/\S+@\S+\.\S+/g, ' ')
    .replace(/https?:\/\/\S*/g, ' ')
    .replace(/\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/gi, ' ')
    .replace(/\b(?:Alt|Ctrl|Shift)\+\w\b/g, ' ');
  return [...new Set(rest.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [])].filter((w) => !ALLOWED.has(w));
}

/**
 * What a person reads on the page now. Text marked as written in another language (`lang` other than ru, e.g. the
 * language switch's "English") is that language on purpose and is left out.
 */
const readable = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const foreign = (e: Element) => {
      const lang = e.closest('[lang]')?.getAttribute('lang');
      return lang !== undefined && lang !== null && lang !== 'ru';
    };
    const attrs = (name: string) =>
      [...document.querySelectorAll(`[${name}]`)].filter((e) => !foreign(e)).map((e) => e.getAttribute(name) ?? '');
    let text = document.body.innerText;
    for (const e of document.querySelectorAll('body [lang]:not([lang="ru"])')) {
      const inner = (e as HTMLElement).innerText;
      if (inner) text = text.replace(inner, ' ');
    }
    return [text, ...attrs('placeholder'), ...attrs('title'), ...attrs('aria-label')].join('\n');
  });

/** Until nothing loads and the words stop changing (wallboard timers tick: digits do not count). */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.spinner, [aria-busy="true"]'), undefined, {
    timeout: 15_000,
  });
  let last = '';
  for (let i = 0; i < 12; i++) {
    const now = (await readable(page)).replace(/\d/g, '');
    if (now === last) return;
    last = now;
    await page.waitForTimeout(250);
  }
}

describe('Russian UI: no English word on any screen, for any role', () => {
  let session: RecordingsSession;
  let redis: Redis;
  let bus: RedisCallBus;
  const suffix = randomBytes(3).toString('hex');
  const phone = `+7916${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;
  const seeded = { contact: '', company: '', deal: '', task: '', lead: '', calls: [] as string[] };
  const ROUTES: string[] = [];

  /** Strings that are data, not UI: whatever the CRM holds, longest first so "Ivan Petrov" goes before "Ivan". */
  const dataStrings = async (): Promise<string[]> => {
    const rows = (await session.dataSource.query(`
      SELECT v FROM (
        SELECT name AS v FROM users UNION SELECT login FROM users UNION SELECT name FROM contacts
        UNION SELECT email FROM contacts UNION SELECT unnest(tags) FROM contacts UNION SELECT name FROM companies
        UNION SELECT website FROM companies UNION SELECT title FROM deals UNION SELECT title FROM tasks
        UNION SELECT body FROM notes UNION SELECT name FROM leads UNION SELECT queue FROM calls
        UNION SELECT raw FROM contact_phones UNION SELECT file_name FROM import_jobs
        UNION SELECT name FROM products UNION SELECT sku FROM products) d
      WHERE v IS NOT NULL AND v <> ''`)) as { v: string }[];
    return rows.map((r) => r.v).sort((a, b) => b.length - a.length);
  };

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1400, height: 900 });
    const ds = session.dataSource;
    const [op] = (await ds.query(`SELECT id FROM users WHERE login = 'operator1'`)) as { id: string }[];
    [{ id: seeded.company }] = await ds.query(`INSERT INTO companies (name, owner_id) VALUES ($1, $2) RETURNING id`, [
      `ООО «Проверка ${suffix}»`,
      op!.id,
    ]);
    [{ id: seeded.contact }] = await ds.query(
      `INSERT INTO contacts (name, company_id, owner_id) VALUES ($1, $2, $3) RETURNING id`,
      [`Виктор Проверкин ${suffix}`, seeded.company, op!.id],
    );
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
      seeded.contact,
      phone,
      phone.slice(-10),
    ]);
    [{ id: seeded.deal }] = await ds.query(
      `INSERT INTO deals (title, stage, amount, owner_id, contact_id) VALUES ($1, 'proposal', 90000, $2, $3)
       RETURNING id`,
      [`Поставка ${suffix}`, op!.id, seeded.contact],
    );
    // A callback of two missed calls, as the callbacks reaction stores it: only the number, no words.
    [{ id: seeded.task }] = await ds.query(
      `INSERT INTO tasks (title, kind, due_at, assignee_id, entity_type, entity_id, callback_phone, callback_attempts)
       VALUES ($1, 'callback', now() + interval '1 hour', $2, 'contact', $3, $1, 2) RETURNING id`,
      [phone, op!.id, seeded.contact],
    );
    [{ id: seeded.lead }] = await ds.query(
      `INSERT INTO leads (source, status, name, owner_id) VALUES ('manual', 'new', $1, $2) RETURNING id`,
      [`Лид Проверкин ${suffix}`, op!.id],
    );
    const recorded = await session.seedRecordedCall({
      fromRaw: phone,
      fromE164: phone,
      startedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      answeredBy: '1001',
      talkSeconds: 3,
    });
    await ds.query(`UPDATE calls SET contact_id = $2 WHERE id = $1`, [recorded, seeded.contact]);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    // The publishing half of the adapter: the e2e server (main.ts, default prefix) consumes its call stream.
    bus = new RedisCallBus({ redis, logger: pino({ level: 'silent' }) });
    ROUTES.push(
      '/contacts',
      '/contacts/new',
      '/contacts/import',
      `/contacts/${seeded.contact}`,
      '/companies',
      '/companies/new',
      `/companies/${seeded.company}`,
      '/leads',
      `/leads/${seeded.lead}`,
      '/deals',
      '/deals?view=table',
      `/deals/${seeded.deal}`,
      '/tasks',
      `/tasks/${seeded.task}`,
      '/calls',
      '/analytics',
      '/my-stats',
      '/wallboard',
      '/review',
      '/integrations',
      ...ADMIN_TAB_NAMES.map((tab) => `/admin/${tab}`),
      '/audit',
      '/campaigns',
      '/products',
      '/no-such-page',
    );
  });

  afterAll(async () => {
    const ds = session?.dataSource;
    if (ds) {
      await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [seeded.calls]);
      await ds.query(`DELETE FROM tasks WHERE id = $1 OR callback_phone = $2`, [seeded.task || null, phone]);
      await ds.query(`DELETE FROM deals WHERE id = $1`, [seeded.deal || null]);
      await ds.query(`DELETE FROM leads WHERE phone_e164 = $1 OR id = $2`, [phone, seeded.lead || null]);
      await ds.query(`DELETE FROM contacts WHERE id = $1`, [seeded.contact || null]);
      await ds.query(`DELETE FROM companies WHERE id = $1`, [seeded.company || null]);
    }
    await redis?.quit();
    await session?.close();
  });

  it('walks every route of the router', () => {
    expect(new Set(ROUTES.map((r) => parseRoute(r).name))).toEqual(new Set(Object.keys(ROUTE_NAMES)));
  });

  const newPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    return { context, page: await context.newPage() };
  };

  it('the login page is Russian', async () => {
    const { context, page } = await newPage();
    try {
      await new LoginPage(page).open(session.server.baseUrl);
      await settle(page);
      expect(englishWords(await readable(page), await dataStrings())).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each(ROLES)(
    '%s: every route, the user menu (and for the operator a live pop card) show only Russian',
    async (login) => {
      const { context, page } = await newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const leaks: string[] = [];
      try {
        const loginPage = new LoginPage(page);
        await loginPage.open(session.server.baseUrl);
        await loginPage.logIn(login, 'zvonok');
        await page.getByTestId('app-shell').waitFor();
        const data = await dataStrings();
        const check = async (where: string) => {
          await settle(page);
          const words = englishWords(await readable(page), data);
          if (words.length) leaks.push(`${login} ${where}: ${words.join(', ')}`);
        };
        for (const route of ROUTES) {
          await page.evaluate((hash) => (window.location.hash = hash), route);
          await check(route);
        }
        await page.getByTestId('user-menu-button').click();
        await page.getByTestId('user-menu').waitFor();
        await check('user menu');
        await page.keyboard.press('Escape');

        if (login === 'operator1') await popCard(page, check);
        if (login === 'operator1') await tasks(page);
        if (login === 'supervisor') await review(page);
        if (login === 'supervisor') await wallboard(page);
        expect(leaks).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    240_000,
  );

  /** A call from our client rings operator1: the card, in Russian, with the deal's stage and the callback. */
  async function popCard(page: Page, check: (where: string) => Promise<void>): Promise<void> {
    await page.evaluate(() => (window.location.hash = '/contacts'));
    const call = inboundCall(party(phone, phone));
    seeded.calls.push(call.callId);
    for (const e of [call.created(), call.ringing('1001')]) await bus.publish(e);
    const card = page.getByTestId('pop-card');
    await card.waitFor({ timeout: 15_000 });
    await page.getByTestId('pop-deal-stage').first().waitFor();
    const text = await card.innerText();
    expect(text).toContain('Предложение');
    expect(text).not.toContain('proposal');
    expect(text).toMatch(/Перезвонить 8 \(916\) \d{3}-\d{2}-\d{2} \(2 пропущенных звонка\)/);
    await check('pop card');
    await page.screenshot({ path: join(SCREENSHOTS, 'pop-card-ru.png') });
    await bus.publish(call.ended(false));
    await card.waitFor({ state: 'detached', timeout: 15_000 });
  }

  async function tasks(page: Page): Promise<void> {
    await page.evaluate(() => (window.location.hash = '/tasks'));
    const row = page.getByTestId('task-row').filter({ hasText: '2 пропущенных звонка' });
    await row.first().waitFor();
    expect(await row.first().innerText()).toMatch(/Перезвонить 8 \(916\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'tasks-callback-ru.png') });
  }

  /** The review names the client and formats the number. */
  async function review(page: Page): Promise<void> {
    await page.evaluate(() => (window.location.hash = '/review'));
    const client = page.getByTestId('review-row-client').filter({ hasText: `Виктор Проверкин ${suffix}` });
    await client.first().waitFor();
    expect(await client.first().innerText()).toMatch(/8 \(916\) \d{3}-\d{2}-\d{2}/);
    await page.screenshot({ path: join(SCREENSHOTS, 'review-ru.png') });
  }

  /** The wallboard says which day and formula its service level is. */
  async function wallboard(page: Page): Promise<void> {
    await page.evaluate(() => (window.location.hash = '/wallboard'));
    const note = page.getByTestId('wb-window');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/^Сегодня — с 00:00 по часам Москва/);
    await page.screenshot({ path: join(SCREENSHOTS, 'wallboard-sl-window.png'), fullPage: true });
  }
});
