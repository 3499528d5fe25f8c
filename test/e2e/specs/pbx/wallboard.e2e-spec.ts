import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgentDto } from '@contracts/dto/agent';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { launchBrowser } from '@test/support/browser';
import { runSipp, startOperatorPhone, type Phone, type SippResult } from '@test/support/sipp';
import { resetLiveState } from '@test/support/live-reset';

// The supervisor's wallboard in real Chromium against the real server (main.ts with the AMI provider) and the real
// Asterisk: a sipp customer queues while no phone answers, then operator1's sipp phone (1001) answers. The page must
// follow by itself (Socket.IO pushes), no reload. Run under `flock /tmp/zv-live.lock`.
const screenshots = join(process.cwd(), 'test-results/screenshots');
const API_HEADERS = { 'X-Requested-With': 'zvonok' };

describe('wallboard updates live while sipp calls queue', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Phone | undefined;
  let caller: Promise<SippResult> | undefined;
  const pageErrors: string[] = [];

  const text = async (testId: string) => (await page.getByTestId(testId).first().textContent())?.trim();
  const queueRow = () => page.getByTestId('wb-queue-support');
  const operatorRow = (ext: string) => page.getByTestId(`wb-operator-${ext}`);
  /** Polls the element's text (the page must change by itself: no reload, no navigation). */
  const waitText = async (locator: Locator, expected: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: string | undefined;
    while (Date.now() < deadline) {
      last = (await locator.first().textContent({ timeout: timeoutMs }))?.trim();
      if (last === expected) return;
      await page.waitForTimeout(100);
    }
    throw new Error(`expected "${expected}", still "${last}" after ${timeoutMs} ms`);
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
    await context?.close();
    await browser?.close();
    await server?.stop();
    await resetLiveState();
  });

  it('opens from the navigation for a supervisor', async () => {
    await page.getByTestId('nav-wallboard').click();
    await page.getByTestId('wallboard-page').waitFor();
    await operatorRow('1001').waitFor();
    // operator1 must be a free queue member (a previous run may have left it paused): unpause through the API.
    const agents = await context.request.get(`${server.baseUrl}/api/agents`);
    const op1 = ((await agents.json()) as { items: AgentDto[] }).items.find((a) => a.extension === '1001')!;
    const res = await context.request.put(`${server.baseUrl}/api/agents/${op1.userId}/state`, {
      data: { state: 'available' },
      headers: API_HEADERS,
    });
    expect(res.status(), await res.text()).toBe(200);
    expect(((await res.json()) as { telephony: { applied: boolean } }).telephony.applied).toBe(true);
  });

  it('pauses and unpauses an operator with a reason from the wallboard', async () => {
    const row = operatorRow('1002');
    await row.getByTestId('pause-reason').selectOption('training');
    await row.getByTestId('pause').click();
    await page.waitForSelector('[data-testid="wb-operator-1002"] [data-testid="wb-op-state"][data-state="break"]');
    expect(await row.getByTestId('wb-op-state').textContent()).toContain('Обучение');
    await row.getByTestId('unpause').click();
    await page.waitForSelector('[data-testid="wb-operator-1002"] [data-testid="wb-op-state"][data-state="available"]');
  });

  it('shows the caller waiting, then the answer, then the answered count going up — live', async () => {
    await queueRow()
      .waitFor({ timeout: 3_000 })
      .catch(() => undefined);
    const answeredBefore = Number((await queueRow().count()) ? await text('wb-queue-answered') : '0');
    const callsBefore = Number(await operatorRow('1001').getByTestId('wb-op-calls-today').textContent());

    caller = runSipp('uac-queue-talk-expect-200.xml', {
      service: '7000',
      extraArgs: ['-d', '4000'],
      timeoutMs: 60_000,
    });
    await waitText(page.getByTestId('wb-total-waiting'), '1');
    await waitText(queueRow().getByTestId('wb-queue-waiting'), '1');
    await page.getByTestId('wb-waiting').waitFor();
    await page.screenshot({ path: join(screenshots, 'wallboard-waiting.png') });

    phone = await startOperatorPhone('1001');
    await page.waitForSelector('[data-testid="wb-operator-1001"] [data-testid="wb-op-state"][data-state="on-call"]', {
      timeout: 20_000,
    });
    await waitText(page.getByTestId('wb-total-waiting'), '0');
    await operatorRow('1001').getByTestId('spy-listen').waitFor();
    expect(await operatorRow('1001').getByTestId('wb-op-call').textContent()).toContain('916');
    await page.screenshot({ path: join(screenshots, 'wallboard-on-call.png') });

    const result = await caller;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    await waitText(queueRow().getByTestId('wb-queue-answered'), String(answeredBefore + 1));
    await waitText(operatorRow('1001').getByTestId('wb-op-calls-today'), String(callsBefore + 1));
    await page.screenshot({ path: join(screenshots, 'wallboard.png') });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
