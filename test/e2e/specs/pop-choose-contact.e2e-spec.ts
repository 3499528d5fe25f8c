import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { type Browser, type BrowserContext } from 'playwright-core';
import { pino } from 'pino';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RedisCallBus } from '@server/common/bus/redis-call-bus';
import { createDatabase, type Database } from '@server/db/data-source';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { type SignedInTab, signInTab } from '@test/e2e/pages/login-page';
import { SCREENSHOTS } from '@test/e2e/pages/recordings-session';
import { launchBrowser } from '@test/support/browser';
import { inboundCall, party, randomRuNumber } from '@test/support/synthetic-calls';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };

/**
 * The pop card of a number two contacts share, in Debian chromium against the real server (Redis bus: a synthetic
 * call rings operator1's extension 1001): the card says two contacts match, the operator picks the other one, and
 * the card and the server keep that contact for the call.
 */
describe('pop card: choosing the caller among contacts with the same number', () => {
  let server: AppServer;
  let browser: Browser;
  let db: Database;
  let ds: DataSource;
  let redis: Redis;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const suffix = String(Date.now() % 100_000).padStart(5, '0');
  const number = randomRuNumber();
  const contactIds: string[] = [];
  const callIds: string[] = [];
  let companyId: string | null = null;

  const signedIn = async (user: string): Promise<SignedInTab> => {
    const tab = await signInTab(browser, server.baseUrl, user, {
      viewport: { width: 1440, height: 900 },
      errors: pageErrors,
    });
    contexts.push(tab.context);
    return tab;
  };
  const api = async <T>(context: BrowserContext, method: 'get' | 'post', path: string, data?: unknown) => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startAppServer({ REDIS_URL: process.env.REDIS_URL! });
    db = await createDatabase({ databaseUrl: process.env.DATABASE_URL!, dataDir: 'unused' });
    await db.dataSource.initialize();
    ds = db.dataSource;
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await ds?.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    await ds?.query('DELETE FROM contacts WHERE id = ANY($1)', [contactIds]);
    if (companyId) await ds?.query('DELETE FROM companies WHERE id = $1', [companyId]);
    for (const context of contexts) await context.close();
    await browser?.close();
    await redis?.quit();
    await db?.close();
    await server?.stop();
  });

  it('the card lists both contacts; the operator picks the caller and the pick stays for the call', async () => {
    const supervisor = await signedIn('supervisor');
    const company = await api<{ id: string }>(supervisor.context, 'post', '/api/companies', {
      name: `ООО Ромашка ${suffix}`,
    });
    companyId = company.id;
    const mother = await api<{ id: string }>(supervisor.context, 'post', '/api/contacts', {
      name: `Ирина Соколова ${suffix}`,
      companyId,
      phones: [{ raw: number }],
    });
    contactIds.push(mother.id);
    // Made last, so the card picks her until the operator says otherwise.
    const daughter = await api<{ id: string }>(supervisor.context, 'post', '/api/contacts', {
      name: `Мария Соколова ${suffix}`,
      phones: [{ raw: number }],
    });
    contactIds.push(daughter.id);

    const operator = await signedIn('operator1');
    await operator.resynced;
    const call = inboundCall(party(number, number));
    callIds.push(call.callId);
    const bus = new RedisCallBus({ redis, logger: pino({ level: 'silent' }) });
    await bus.publish(call.created());
    await bus.publish(call.ringing('1001'));

    const { page } = operator;
    const matches = page.getByTestId('pop-matches');
    await matches.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('pop-name').textContent()).toBe(`Мария Соколова ${suffix}`);
    expect(await page.getByTestId('pop-matches-count').textContent()).toContain('Этот номер есть у 2 контактов');
    const motherRow = matches.locator(`[data-testid="pop-match"][data-contact-id="${mother.id}"]`);
    expect(await motherRow.textContent()).toContain(`ООО Ромашка ${suffix}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'pop-card-choose-contact.png') });

    // The pop goes out before the call's row is written; the pick is of the stored call.
    await expect
      .poll(async () => (await ds.query('SELECT 1 FROM call_legs WHERE call_id = $1', [call.callId])).length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await motherRow.getByTestId('pop-match-choose').click();
    await expect
      .poll(() => page.getByTestId('pop-name').textContent(), { timeout: 10_000 })
      .toBe(`Ирина Соколова ${suffix}`);
    expect(await matches.getAttribute('data-chosen')).toBe('true');
    expect(await page.getByTestId('pop-company').textContent()).toBe(`ООО Ромашка ${suffix}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'pop-card-contact-chosen.png') });

    // The server keeps it for this call: the card a reload asks for, and the call log's record.
    const card = await api<{ contact: { id: string } }>(operator.context, 'get', `/api/calls/${call.callId}/card`);
    expect(card.contact.id).toBe(mother.id);
    await bus.publish(call.ended(false));
    await page.getByTestId('pop-matches').waitFor({ state: 'detached', timeout: 20_000 });
    const logged = await api<{ contactId: string }>(supervisor.context, 'get', `/api/calls/${call.callId}`);
    expect(logged.contactId).toBe(mother.id);
    await bus.close();
    expect(pageErrors).toEqual([]);
  });
});
