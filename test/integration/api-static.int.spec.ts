import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type TestApp, startTestApp } from '@test/support/api-server';

describe('serving the built client with SPA fallback', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zvonok-client-'));
    await fs.mkdir(path.join(dir, 'assets'));
    await fs.writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="root">spa</div>');
    await fs.writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    t = await startTestApp({}, dir);
  });
  afterAll(async () => {
    await t.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves files and falls back to index.html for client routes', async () => {
    const asset = await fetch(`${t.baseUrl}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(1)');
    for (const route of ['/', '/contacts/123', '/login?next=%2Fdeals']) {
      const res = await fetch(`${t.baseUrl}${route}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('id="root"');
    }
  });

  it('never answers API routes with the SPA', async () => {
    const res = await fetch(`${t.baseUrl}/api/unknown`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await fetch(`${t.baseUrl}/api/auth/me`)).headers.get('cache-control')).toBe('no-store');
  });
});
