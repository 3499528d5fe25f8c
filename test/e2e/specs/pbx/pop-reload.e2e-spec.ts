import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext } from 'playwright-core';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgentDto } from '@contracts/dto/agent';
import { createDatabase, type Database } from '@server/db/data-source';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { type SignedInTab, signInTab } from '@test/e2e/pages/login-page';
import { SCREENSHOTS } from '@test/e2e/pages/recordings-session';
import { launchBrowser } from '@test/support/browser';
import { deleteCallsOf } from '@test/support/delete-calls';
import { AmiProbe } from '@test/support/live-app';
import { resetLiveState } from '@test/support/live-reset';
import { runSipp, startOperatorPhone, type Phone, type SippResult } from '@test/support/sipp';

const API_HEADERS = { 'X-Requested-With': 'zvonok' };
/** The caller of uac-queue-talk-expect-200.xml; the demo's Иван Петров has this number. */
const CALLER = '+79161234567';
const DEMO_CONTACT = 'Иван Петров';

/**
 * A reload in the middle of a call, in Debian chromium against the real server (AMI provider) and the real
 * Asterisk: a sipp customer calls the support queue, operator1's sipp phone (1001) answers, the operator picks the
 * caller among the two contacts with the number, and presses F5. The card comes back from the resync (the same
 * contact, still marked as chosen), once, and follows the call to its end. Run under `flock /tmp/zv-live.lock`.
 */
describe('pop card: a reload during a call brings the card back', () => {
  let server: AppServer;
  let browser: Browser;
  let db: Database;
  let ds: DataSource;
  let phone: Phone | undefined;
  let caller: Promise<SippResult> | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const suffix = String(Date.now() % 100_000).padStart(5, '0');
  const since = new Date(Date.now() - 1000);
  let contactId: string | null = null;

  const signedIn = async (user: string): Promise<SignedInTab> => {
    const tab = await signInTab(browser, server.baseUrl, user, {
      viewport: { width: 1440, height: 900 },
      errors: pageErrors,
    });
    contexts.push(tab.context);
    return tab;
  };
  const api = async <T>(context: BrowserContext, method: 'get' | 'post' | 'put', path: string, data?: unknown) => {
    const res = await context.request[method](`${server.baseUrl}${path}`, { data, headers: API_HEADERS });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const makeAvailable = async (context: BrowserContext) => {
    const agents = await api<{ items: AgentDto[] }>(context, 'get', '/api/agents');
    const op1 = agents.items.find((a) => a.extension === '1001')!;
    await api(context, 'put', `/api/agents/${op1.userId}/state`, { state: 'available' });
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await resetLiveState();
    server = await startAppServer({ TELEPHONY_PROVIDER: 'ami' });
    db = await createDatabase({ databaseUrl: process.env.DATABASE_URL!, dataDir: 'unused' });
    await db.dataSource.initialize();
    ds = db.dataSource;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await phone?.stop();
    await resetLiveState();
    await caller?.catch(() => undefined);
    if (ds) await deleteCallsOf(ds, [CALLER], since);
    if (contactId) await ds?.query('DELETE FROM contacts WHERE id = $1', [contactId]);
    for (const context of contexts) await context.close();
    await browser?.close();
    await db?.close();
    await server?.stop();
  });

  it('the operator’s card of the answered call, with the chosen contact, is back after F5', async () => {
    const supervisor = await signedIn('supervisor');
    // Made last, so the card's automatic pick is this one until the operator says otherwise.
    const twin = await api<{ id: string }>(supervisor.context, 'post', '/api/contacts', {
      name: `Пётр Петров ${suffix}`,
      phones: [{ raw: CALLER }],
    });
    contactId = twin.id;
    // operator1 must be a free queue member (an earlier spec may have left it in wrap-up).
    await makeAvailable(supervisor.context);

    const operator = await signedIn('operator1');
    await operator.resynced;
    const { page } = operator;
    phone = await startOperatorPhone('1001');
    // The caller stays on the line until the test hangs it up.
    caller = runSipp('uac-queue-talk-expect-200.xml', {
      service: '7000',
      extraArgs: ['-d', '120000'],
      timeoutMs: 150_000,
    });

    const talking = page.locator('[data-testid="live-pop"][data-phase="talking"]');
    await talking.waitFor({ timeout: 30_000 });
    const callId = (await talking.getAttribute('data-call-id'))!;
    expect(await page.getByTestId('pop-name').textContent()).toBe(`Пётр Петров ${suffix}`);

    // The pop goes out before the call's row is written; the pick is of the stored call.
    await expect
      .poll(async () => (await ds.query('SELECT 1 FROM call_legs WHERE call_id = $1', [callId])).length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    const demoRow = page.getByTestId('pop-match').filter({ hasText: DEMO_CONTACT });
    await demoRow.getByTestId('pop-match-choose').click();
    await expect.poll(() => page.getByTestId('pop-name').textContent(), { timeout: 10_000 }).toBe(DEMO_CONTACT);

    const cardAsked = page.waitForResponse((r) => r.url().endsWith(`/api/calls/${callId}/card`), { timeout: 30_000 });
    await page.reload();
    await page.getByTestId('app-shell').waitFor();
    expect((await cardAsked).status()).toBe(200);
    const restored = page.locator(`[data-testid="live-pop"][data-call-id="${callId}"]`);
    await restored.waitFor({ timeout: 20_000 });
    expect(await restored.getAttribute('data-phase')).toBe('talking');
    expect(await restored.getByTestId('pop-name').textContent()).toBe(DEMO_CONTACT);
    expect(await restored.getByTestId('pop-matches').getAttribute('data-chosen')).toBe('true');
    expect(await page.getByTestId('live-pop').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'pop-card-after-reload.png') });

    // The restored card is a live one: the caller's hang-up turns it into the wrap-up.
    const ami = new AmiProbe();
    await ami.start();
    try {
      await ami.hangup('/^PJSIP\\//');
    } finally {
      await ami.stop();
    }
    await page.locator(`[data-testid="live-pop"][data-call-id="${callId}"][data-phase="wrap-up"]`).waitFor({
      timeout: 20_000,
    });
    await makeAvailable(supervisor.context);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
