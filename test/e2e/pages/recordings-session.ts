import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type DataSource } from 'typeorm';

import { createDatabase, type Database } from '@server/db/data-source';
import { type AppServer, startAppServer } from '@test/e2e/pages/app-server';
import { launchBrowser, reportCspViolations } from '@test/support/browser';
import { seedCall, type SeedCall } from '@test/support/call-events';

export const SCREENSHOTS = join(process.cwd(), 'test-results/screenshots');

/**
 * The set-up of the specs that play recordings: the real server with a throwaway recordings store, a database
 * handle to seed calls, and one Chromium page (autoplay allowed) whose uncaught errors are collected.
 */
export interface RecordingsSession {
  server: AppServer;
  dataSource: DataSource;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  storeDir: string;
  /**
   * An answered call stored through the real recorder, with a real Opus/Ogg recording of its talk time (a tone) in
   * the store the server plays from. Deleted again on close.
   */
  seedRecordedCall(call: SeedCall & { talkSeconds: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startRecordingsSession(viewport: { width: number; height: number }): Promise<RecordingsSession> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const storeDir = mkdtempSync(join(tmpdir(), 'zvonok-e2e-rec-'));
  const server = await startAppServer({ RECORDINGS_STORE_DIR: storeDir });
  const database: Database = await createDatabase({ databaseUrl: process.env.DATABASE_URL!, dataDir: 'unused' });
  await database.dataSource.initialize();
  const browser = await launchBrowser({ args: ['--autoplay-policy=no-user-gesture-required'] });
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  reportCspViolations(page, pageErrors);
  const { dataSource } = database;
  const seeded: string[] = [];
  return {
    server,
    dataSource,
    browser,
    context,
    page,
    pageErrors,
    storeDir,
    async seedRecordedCall(call) {
      const callId = await seedCall(dataSource, call);
      seeded.push(callId);
      const seconds = call.talkSeconds;
      // The storage-key layout the server accepts (recording-paths.ts): <yyyy>/<mm>/<dd>/<callId>-<8 hex>.ogg.
      const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
      const storageKey = `${day}/${callId}-${randomBytes(4).toString('hex')}.ogg`;
      const file = join(storeDir, storageKey);
      mkdirSync(dirname(file), { recursive: true });
      const tone = ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
      execFileSync('ffmpeg', ['-loglevel', 'error', ...tone, '-ac', '1', '-c:a', 'libopus', '-b:a', '24k', file]);
      await dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime)
         VALUES ($1, $2, $3, $4, $5, 'audio/ogg')`,
        [callId, storageKey, seconds, statSync(file).size, randomBytes(32).toString('hex')],
      );
      return callId;
    },
    async close() {
      if (seeded.length) {
        await dataSource.query('DELETE FROM call_events WHERE call_id = ANY($1)', [seeded]);
        await dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [seeded]);
      }
      await context.close();
      await browser.close();
      await server.stop();
      await database.close();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
