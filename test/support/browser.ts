import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

/** Debian's chromium: playwright's own browser builds are never downloaded (no `playwright install`). */
export const CHROMIUM_PATH = process.env.ZVONOK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // The softphone asks for the microphone: grant it and feed a synthetic one.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/**
 * Headless system Chromium. Each launch gets a fresh throwaway profile (user-data-dir): playwright creates
 * one per `launch()` and deletes it on `close()`, so runs never share cookies or storage.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/**
 * Adds every Content-Security-Policy violation of `page` to `into` (Chromium reports them as console errors, not
 * page errors), so a spec that expects no page errors also proves the server's CSP let everything through.
 */
export function reportCspViolations(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) into.push(message.text());
  });
}
