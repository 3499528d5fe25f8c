import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallDto } from '@contracts/dto/call';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { ShellPage } from '@test/e2e/pages/shell-page';
import { SoftphonePage } from '@test/e2e/pages/softphone-page';
import { launchBrowser, reportCspViolations } from '@test/support/browser';
import { DRACHTIO, RTPENGINE, callSipFront, requireSipFront } from '@test/support/sip-live';
import { type SippResult } from '@test/support/sipp';

/**
 * The operator's browser on the SIP front (TELEPHONY_PROVIDER=sip: the real drachtio-server and rtpengine of the
 * global setup): Chromium (fake microphone) registers JsSIP as 1001-web over drachtio's ws transport with operator1's
 * own secret, a sipp customer calls the queue, the browser rings with the caller's card, the operator answers (WebRTC
 * on the browser's side of rtpengine, plain RTP on the customer's) and hangs up, and the call's recording, made by
 * rtpengine, plays in the call log. No desk phone is registered for 1001. Run under `flock /tmp/zv-live.lock`.
 */
const screenshots = join(process.cwd(), 'test-results/screenshots');
const API_HEADERS = { 'X-Requested-With': 'zvonok' };

describe('SIP front in the browser: the softphone takes a queue call over WebRTC', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: SoftphonePage;
  let redis: Redis;
  /** The sipp customer; awaited in afterAll, so a failed run never leaves it holding the trunk port. */
  let caller: Promise<SippResult> | undefined;
  const pageErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const res = await context.request.get(`${server.baseUrl}${path}`, { headers: API_HEADERS });
    if (!res.ok()) throw new Error(`GET ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    const { recordingDir } = requireSipFront();
    mkdirSync(screenshots, { recursive: true });
    redis = new Redis(process.env.REDIS_URL!);
    // The browser must be the one that rings: no desk phone bound to 1001, no softphone left from another run.
    await redis.del('zvonok:sip:reg:1001', 'zvonok:sip:reg:1001-web');
    server = await startAppServer({
      TELEPHONY_PROVIDER: 'sip',
      DRACHTIO_HOST: DRACHTIO.host,
      DRACHTIO_PORT: String(DRACHTIO.adminPort),
      DRACHTIO_SECRET: DRACHTIO.secret,
      RTPENGINE_HOST: RTPENGINE.host,
      RTPENGINE_PORT: String(RTPENGINE.ngPort),
      RTPENGINE_RECORDING_DIR: recordingDir,
      SOFTPHONE_WS_URL: `ws://${DRACHTIO.host}:${DRACHTIO.wsPort}`,
      SOFTPHONE_SIP_DOMAIN: DRACHTIO.host,
    });
    // Loopback ICE candidates: rtpengine and Chromium share 127.0.0.1 here.
    browser = await launchBrowser({ args: ['--allow-loopback-in-peer-connection'] });
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    // The test's own window on the call's media: every peer connection the page makes, for getStats().
    await context.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const peers: RTCPeerConnection[] = [];
      (window as unknown as { __zvonokPeers: RTCPeerConnection[] }).__zvonokPeers = peers;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          peers.push(this);
        }
      };
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    reportCspViolations(page, pageErrors);
    const login = new LoginPage(page);
    await login.open(server.baseUrl);
    await login.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
    phone = new SoftphonePage(page);
  });

  afterAll(async () => {
    await caller?.catch(() => undefined);
    await context?.close();
    await browser?.close();
    await server?.stop();
    await redis?.del('zvonok:sip:reg:1001-web');
    await redis?.quit();
  });

  it('the softphone registers to the SIP front over WebSocket as 1001-web', async () => {
    await phone.waitRegistered();
    // The SIP front's registrar (digest against operator1's own secret) bound the browser's ws contact.
    const binding = JSON.parse((await redis.get('zvonok:sip:reg:1001-web')) ?? '{}') as { contact?: string };
    expect(binding.contact).toMatch(/;transport=ws/);
    await page.getByTestId('agent-state-select').selectOption('available');
    await page.screenshot({ path: join(screenshots, 'sip-front-softphone-registered.png') });
  });

  it('Иван Петров calls the queue: the browser rings with his card, answers, holds and resumes, hangs up, and the recording plays in the call log', async () => {
    // +7 916 123-45-67 is the demo contact owned by operator1: owner first, then the queue.
    caller = callSipFront('uac-direct-callee-hangup-expect-200.xml', {
      service: '7000',
      timeoutMs: 45_000,
      extraArgs: ['-key', 'caller', '+79161234567'],
    });
    const early = caller.then((r) => {
      throw new Error(`the call ended first: sipp exit ${r.code}\n${r.stdout.slice(-1200)}\n${r.stderr}`);
    });
    early.catch(() => undefined);
    await Promise.race([phone.incoming().waitFor({ timeout: 15_000 }), early]);
    // The ringing INVITE carries the customer's number (not the SIP front's address) for the softphone to show.
    expect(await phone.incoming().getByTestId('softphone-remote').textContent()).toContain('123-45-67');
    await page.locator('[data-testid="pop-card"][data-kind="contact"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('pop-name').textContent()).toBe('Иван Петров');
    await page.screenshot({ path: join(screenshots, 'sip-front-pop-card.png') });

    await phone.answer();
    await phone.popPhase('talking', 15_000);
    const callId = await phone.pop().getAttribute('data-call-id');
    expect(callId).toBeTruthy();
    // Media really flows both ways through rtpengine: the browser decrypts the customer's audio (sipp's pcap,
    // re-sent by rtpengine as DTLS-SRTP) and sends its own over ICE.
    await expect.poll(() => page.evaluate(inboundAudioPackets), { timeout: 10_000, interval: 250 }).toBeGreaterThan(50);
    await page.screenshot({ path: join(screenshots, 'sip-front-softphone-in-call.png') });

    // Hold and resume from the browser: its re-INVITEs go through rtpengine to the customer and back as WebRTC
    // answers (JsSIP hangs up a call whose re-INVITE fails). The hold lasts over a second so the record counts it.
    const held = page.locator('[data-testid="softphone-call"][data-phase="held"]');
    await page.getByTestId('softphone-hold').click();
    await held.waitFor();
    await page.waitForTimeout(1_500);
    await page.getByTestId('softphone-hold').click();
    await page.locator('[data-testid="softphone-call"][data-phase="answered"]').waitFor();

    await phone.hangUp();
    const result = await caller;
    expect(result.successful, result.stdout.slice(-1500)).toBe(1);

    // The SIP front's recording goes through the same ingest as Asterisk's and plays in the call log.
    await expect
      .poll(async () => (await api<CallDto>(`/api/calls/${callId}`)).recordingUrl !== null, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(true);
    const call = await api<CallDto>(`/api/calls/${callId}`);
    expect(call.agentExtension).toBe('1001');
    expect(call.holdSeconds).toBeGreaterThanOrEqual(1);
    await new ShellPage(page).nav('calls').click();
    const row = page.locator(`[data-testid="calllog-row"][data-call-id="${callId}"]`);
    await row.getByTestId('calllog-listen').click();
    await page.locator('[data-testid="player"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('player-toggle').click();
    await page.waitForFunction(
      () => !/^0:00 /.test(document.querySelector('[data-testid="player-time"]')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    await page.screenshot({ path: join(screenshots, 'sip-front-call-log-recording.png') });
    await page.getByTestId('player-toggle').click();
    expect(pageErrors).toEqual([]);
  });
});

/** RTP packets the page's peer connections received (getStats `inbound-rtp`), summed over them. */
async function inboundAudioPackets(): Promise<number> {
  const w = window as unknown as { __zvonokPeers?: RTCPeerConnection[] };
  let total = 0;
  for (const pc of w.__zvonokPeers ?? []) {
    const stats = await pc.getStats();
    stats.forEach((s: { type: string; packetsReceived?: number }) => {
      if (s.type === 'inbound-rtp') total += s.packetsReceived ?? 0;
    });
  }
  return total;
}
