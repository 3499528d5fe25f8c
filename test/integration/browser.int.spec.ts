import { createServer, type Server } from 'node:http';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser } from '@test/support/browser';

// Proves the e2e browser setup: system Chromium headless, fresh profile, fake microphone for the softphone.
describe('launchBrowser', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (!req.headers.cookie) res.setHeader('set-cookie', 'seen=first');
      res.end(`<!doctype html><title>zvonok</title><p data-testid="echo">${req.headers.cookie ?? 'no cookie'}</p>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('runs the system Chromium', () => {
    expect(browser.version()).toMatch(/^\d+\.\d+/);
  });

  it('loads a page and keeps cookies within a context only', async () => {
    const first = await browser.newContext();
    const page = await first.newPage();
    await page.goto(origin);
    await page.goto(origin);
    expect(await page.getByTestId('echo').textContent()).toBe('seen=first');
    await first.close();

    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(origin);
    expect(await other.getByTestId('echo').textContent()).toBe('no cookie');
    await fresh.close();
  });

  it('grants a fake microphone without a prompt', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin); // getUserMedia needs a secure context: http://127.0.0.1 counts as one.
    const tracks = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const result = stream.getAudioTracks().map((t) => ({ kind: t.kind, state: t.readyState }));
      stream.getTracks().forEach((t) => t.stop());
      return result;
    });
    expect(tracks).toEqual([{ kind: 'audio', state: 'live' }]);
    await context.close();
  });
});
