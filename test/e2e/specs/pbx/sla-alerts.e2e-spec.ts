import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgentDto } from '@contracts/dto/agent';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { launchBrowser } from '@test/support/browser';
import { runSipp, startOperatorPhone, type Phone, type SippResult } from '@test/support/sipp';
import { resetLiveState } from '@test/support/live-reset';

// Live SLA alerts (issue #20) in real Chromium against the real server (main.ts, AMI) and the real Asterisk: the
// supervisor sets "more than 0 callers waiting" on queue `support` in the wallboard's form, a sipp customer queues
// while no phone is registered; the banner names the cause, live. operator1's sipp phone registers and answers: the
// banner goes. Run under `flock /tmp/zv-live.lock` (zv-e2e does).
const screenshots = join(process.cwd(), 'test-results/screenshots');
const API_HEADERS = { 'X-Requested-With': 'zvonok' };

describe('an SLA alert on the wallboard while sipp callers wait', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Phone | undefined;
  let caller: Promise<SippResult> | undefined;
  let agents: AgentDto[] = [];
  const pageErrors: string[] = [];

  const setState = async (userId: string, body: object) => {
    const res = await context.request.put(`${server.baseUrl}/api/agents/${userId}/state`, {
      data: body,
      headers: API_HEADERS,
    });
    expect(res.status(), await res.text()).toBe(200);
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await resetLiveState();
    server = await startAppServer({ TELEPHONY_PROVIDER: 'ami' });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('supervisor', 'zvonok');
    await page.getByTestId('app-shell').waitFor();
  }, 180_000);

  afterAll(async () => {
    await phone?.stop();
    await caller?.catch(() => undefined);
    if (server) {
      await context?.request.delete(`${server.baseUrl}/api/analytics/sla-thresholds/support`, {
        headers: API_HEADERS,
      });
      for (const a of agents) await setState(a.userId, { state: 'available' }).catch(() => undefined);
      const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await db.connect();
      await db.query(`DELETE FROM sla_alerts WHERE queue = 'support'`);
      await db.end();
    }
    await context?.close();
    await browser?.close();
    await server?.stop();
    await resetLiveState();
  });

  it('raises the banner while a caller waits unanswered, and clears it on an answer', async () => {
    await page.getByTestId('nav-wallboard').click();
    await page.getByTestId('wallboard-page').waitFor();
    await page.getByTestId('sla-queue').fill('support');
    await page.getByTestId('sla-window').fill('30');
    await page.getByTestId('sla-waiting').fill('0');
    await page.getByTestId('sla-save').click();
    await page.getByTestId('sla-thresholds').getByText('support').waitFor();

    const list = await context.request.get(`${server.baseUrl}/api/agents`);
    agents = ((await list.json()) as { items: AgentDto[] }).items.filter((a) => a.extension !== '');
    // Everyone free but no phone registered, so nobody answers: with every member paused Asterisk never reports the
    // caller (no AgentCalled), and the wallboard, which counts ringing queue calls, cannot see them wait.
    for (const a of agents) await setState(a.userId, { state: 'available' });

    caller = runSipp('uac-queue-talk-expect-200.xml', {
      service: '7000',
      extraArgs: ['-d', '3000'],
      timeoutMs: 90_000,
    });
    const alert = page.getByTestId('sla-alert-support-waiting');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('support');
    await alert.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'sla-alert.png') });

    phone = await startOperatorPhone('1001');
    await alert.waitFor({ state: 'detached', timeout: 30_000 });
    const result = await caller;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    const log = await context.request.get(`${server.baseUrl}/api/analytics/sla-alerts`);
    const support = ((await log.json()) as { queue: string; kind: string; endedAt: string | null }[]).filter(
      (a) => a.queue === 'support' && a.kind === 'waiting',
    );
    expect(support).toHaveLength(1);
    expect(support[0]!.endedAt).not.toBeNull();
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
