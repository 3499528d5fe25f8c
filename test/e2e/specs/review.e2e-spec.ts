import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { type BrowserContext, type Page } from 'playwright-core';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppServer } from '@test/e2e/pages/app-server';
import { LoginPage } from '@test/e2e/pages/login-page';
import { SCREENSHOTS, startRecordingsSession, type RecordingsSession } from '@test/e2e/pages/recordings-session';
import { ShellPage } from '@test/e2e/pages/shell-page';

/**
 * Recordings review in Debian chromium against the real server and Postgres. No PBX: the call is stored through the
 * real recorder and its recording is a real Opus/Ogg file made by ffmpeg, in the store the server plays from.
 */
describe('recordings review page', () => {
  let session: RecordingsSession;
  let server: AppServer;
  let context: BrowserContext;
  let page: Page;
  let db: { dataSource: DataSource };
  let pageErrors: string[] = [];
  const queue = `qc-e2e-${randomBytes(3).toString('hex')}`;

  async function recordedCall(hour: number, talkSeconds: number): Promise<string> {
    const callId = await session.seedRecordedCall({
      fromRaw: `8916${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`,
      fromE164: null,
      startedAt: new Date(Date.now() - hour * 3_600_000).toISOString(),
      answeredBy: '1001',
      talkSeconds,
    });
    await db.dataSource.query('UPDATE calls SET queue = $1 WHERE id = $2', [queue, callId]);
    return callId;
  }

  beforeAll(async () => {
    session = await startRecordingsSession({ width: 1280, height: 900 });
    ({ server, context, page, pageErrors } = session);
    db = { dataSource: session.dataSource };
  });

  afterAll(async () => {
    await session?.close();
  });

  it('supervisor filters, plays at 2×, saves a score and still sees it after a reload', async () => {
    const longCall = await recordedCall(1, 12);
    const shortCall = await recordedCall(2, 3);

    const loginPage = new LoginPage(page);
    await loginPage.open(server.baseUrl);
    await loginPage.logIn('supervisor', 'zvonok');
    await new ShellPage(page).root().waitFor();
    await page.getByTestId('nav-review').click();
    await page.getByTestId('review-table').waitFor();

    // Our queue, then talk time ≥ 10 s: only the long call is left.
    const rows = page.getByTestId('review-row');
    await page.getByTestId('review-queue').fill(queue);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="review-row"]').length === 2);
    await page.getByTestId('review-min-duration').fill('10');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="review-row"]').length === 1);
    expect(await rows.first().getAttribute('data-call-id')).toBe(longCall);
    expect(await page.locator(`[data-call-id="${shortCall}"]`).count()).toBe(0);

    await rows.first().getByTestId('review-open').click();
    await page.locator('[data-testid="player"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('review-speed-2').click();
    const audio = page.getByTestId('player-audio');
    expect(await audio.evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(2);
    await page.getByTestId('player-toggle').click();
    // At 2× the media clock runs twice as fast as the wall clock.
    const t0 = await audio.evaluate((a: HTMLAudioElement) => ({ media: a.currentTime, wall: performance.now() }));
    await page.waitForFunction(
      () => ((document.querySelector('[data-testid="player-audio"]') as HTMLAudioElement | null)?.currentTime ?? 0) > 4,
      undefined,
      { timeout: 10_000 },
    );
    const t1 = await audio.evaluate((a: HTMLAudioElement) => ({ media: a.currentTime, wall: performance.now() }));
    const ratio = (t1.media - t0.media) / ((t1.wall - t0.wall) / 1000);
    expect(ratio).toBeGreaterThan(1.6);
    expect(await audio.evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(2);
    await page.getByTestId('player-toggle').click();

    // Nothing is preset: saving waits until the reviewer says whether the script was followed.
    expect(await page.getByTestId('review-script-yes').isChecked()).toBe(false);
    expect(await page.getByTestId('review-script-no').isChecked()).toBe(false);
    await page.getByTestId('review-score-4').check();
    expect(await page.getByTestId('review-save').isDisabled()).toBe(true);
    await page.getByTestId('review-script-no').check();
    await page.getByTestId('review-comment').fill('Не назвал компанию');
    await page.getByTestId('review-save').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="review-status"]')?.textContent === 'Оценка сохранена',
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid="review-row-score"]')?.textContent?.startsWith('4/5') ?? false,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'review.png'), fullPage: true });

    await page.reload();
    await page.getByTestId('review-queue').fill(queue);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="review-row"]').length === 2);
    const row = page.locator(`[data-testid="review-row"][data-call-id="${longCall}"]`);
    expect(await row.getByTestId('review-row-score').textContent()).toBe('4/5');
    await row.getByTestId('review-open').click();
    await page.getByTestId('review-form').waitFor();
    expect(await page.getByTestId('review-score-4').isChecked()).toBe(true);
    expect(await page.getByTestId('review-script-no').isChecked()).toBe(true);
    expect(await page.getByTestId('review-comment').inputValue()).toBe('Не назвал компанию');

    const stored: { score: number; script_followed: boolean }[] = await db.dataSource.query(
      'SELECT score, script_followed FROM call_reviews WHERE call_id = $1',
      [longCall],
    );
    expect(stored).toEqual([{ score: 4, script_followed: false }]);
    expect(pageErrors).toEqual([]);
  });

  it('is not offered to operators, and the API refuses them', async () => {
    await context.clearCookies();
    const loginPage = new LoginPage(page);
    await loginPage.open(server.baseUrl);
    await loginPage.logIn('operator1', 'zvonok');
    await new ShellPage(page).root().waitFor();
    expect(await page.getByTestId('nav-review').count()).toBe(0);
    const res = await context.request.get(`${server.baseUrl}/api/reviews`);
    expect(res.status()).toBe(403);
  });
});
