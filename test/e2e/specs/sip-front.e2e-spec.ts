import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RedisRegistrationStore } from '@telephony/sip/redis-registration-store';
import { type AppServer, buildClient, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { ShellPage } from '@test/e2e/pages/shell-page';
import { SoftphonePage } from '@test/e2e/pages/softphone-page';
import { launchBrowser, reportCspViolations } from '@test/support/browser';
import { DRACHTIO, RTPENGINE, callSipFront, plugSipPhone, requireSipFront } from '@test/support/sip-live';
import { PHONE_PORTS, type Phone } from '@test/support/sipp';

/**
 * The operator's browser with the server on the SIP front (TELEPHONY_PROVIDER=sip: the real drachtio-server and
 * rtpengine of the global setup): a sipp customer calls the queue, which rings operator1's desk phone (a sipp phone
 * on 1001's port, registered in the SIP front's Redis store) and operator1's browser pops the caller's card over
 * Socket.IO; the desk phone answers. The browser softphone is not in it: the SIP front does not translate WebRTC media
 * yet. Run under `flock /tmp/zv-live.lock`.
 */
const screenshots = join(process.cwd(), 'test-results/screenshots');

describe('SIP front in the browser: a queue call pops the card', () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let redis: Redis;
  let deskPhone: Phone | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    requireSipFront();
    mkdirSync(screenshots, { recursive: true });
    redis = new Redis(process.env.REDIS_URL!);
    await new RedisRegistrationStore(redis).put('1001', `sip:1001@127.0.0.1:${PHONE_PORTS['1001']}`, 600);
    await buildClient();
    server = await startAppServer({
      TELEPHONY_PROVIDER: 'sip',
      DRACHTIO_HOST: DRACHTIO.host,
      DRACHTIO_PORT: String(DRACHTIO.adminPort),
      DRACHTIO_SECRET: DRACHTIO.secret,
      RTPENGINE_HOST: RTPENGINE.host,
      RTPENGINE_PORT: String(RTPENGINE.ngPort),
    });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    reportCspViolations(page, pageErrors);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
  });

  afterAll(async () => {
    await deskPhone?.stop();
    await browser?.close();
    await server?.stop();
    await redis?.del('zvonok:sip:reg:1001');
    await redis?.quit();
  });

  it("the demo client Иван Петров calls: operator1's desk phone rings, the browser shows his card, then follows the call", async () => {
    await page.getByTestId('agent-state-select').selectOption('available');
    deskPhone = await plugSipPhone('1001', 'uas-operator-answer.xml');
    // +7 916 123-45-67 is the demo contact owned by operator1: owner first, then the queue.
    const caller = callSipFront('uac-queue-talk-caller-expect-200.xml', {
      service: '7000',
      timeoutMs: 40_000,
      extraArgs: ['-key', 'caller', '+79161234567', '-d', '6000'],
    });
    const phone = new SoftphonePage(page);
    await page.locator('[data-testid="pop-card"][data-kind="contact"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('pop-name').textContent()).toBe('Иван Петров');
    await page.screenshot({ path: join(screenshots, 'sip-front-pop-card.png') });
    // The desk phone answers after a second ringing: the card follows the call.
    await phone.popPhase('talking', 15_000);
    const result = await caller;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    // The customer hangs up: the card leaves the call (to wrap-up, or away).
    await page
      .locator('[data-testid="live-pop"][data-phase="talking"]')
      .waitFor({ state: 'detached', timeout: 15_000 });
    expect(pageErrors).toEqual([]);
  });
});
