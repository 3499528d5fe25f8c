import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSecurityApp, type SecurityApp } from '@test/security/support/security-app';
import { rawRequest } from '@test/security/support/raw-http';

// Issue #21, finding 10: no CSP, frame-ancestors, nosniff, Referrer-Policy or HSTS, so the signed-in app could be
// framed. The e2e specs of the softphone and the recordings player run under the same policy (JsSIP's WebSocket to
// the PBX and wavesurfer's blob: media).
const SOFTPHONE = { wsUrl: 'wss://pbx.zvonok.test:8089/ws', sipDomain: 'pbx.zvonok.test', sipPassword: 'x' };

/** `{directive: sources}` of a Content-Security-Policy header. */
const directives = (csp: string | undefined) =>
  Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

describe('#21.10 security headers (helmet): CSP from the configuration, no framing, nosniff, HSTS in production', () => {
  let clientDir: string;
  let dev: SecurityApp;
  let production: SecurityApp;

  beforeAll(async () => {
    clientDir = mkdtempSync(join(tmpdir(), 'zvonok-headers-'));
    writeFileSync(join(clientDir, 'index.html'), '<!doctype html><div id="root"></div>');
    dev = await startSecurityApp({ softphone: SOFTPHONE }, { clientDir });
    production = await startSecurityApp(
      { nodeEnv: 'production', publicUrl: 'https://crm.zvonok.test', softphone: SOFTPHONE },
      { clientDir },
    );
  });
  afterAll(async () => {
    await dev?.close();
    await production?.close();
    rmSync(clientDir, { recursive: true, force: true });
  });

  it('the app page and the API carry a self-only CSP that still lets the softphone and the player work', async () => {
    for (const path of ['/', '/api/auth/me']) {
      const res = await fetch(`${dev.baseUrl}${path}`);
      const csp = directives(res.headers.get('content-security-policy') ?? undefined);
      expect(csp['default-src'], path).toEqual(["'self'"]);
      expect(csp['script-src'], path).toEqual(["'self'"]);
      expect(csp['frame-ancestors'], path).toEqual(["'none'"]);
      expect(csp['object-src'], path).toEqual(["'none'"]);
      // JsSIP's WebSocket goes to the PBX (SOFTPHONE_WS_URL), another origin; Socket.IO stays on 'self'.
      expect(csp['connect-src'], path).toEqual(expect.arrayContaining(["'self'", 'wss://pbx.zvonok.test:8089']));
      // wavesurfer plays the fetched recording from a blob: URL.
      expect(csp['media-src'], path).toEqual(expect.arrayContaining(["'self'", 'blob:']));
      expect(csp['upgrade-insecure-requests'], path).toBeUndefined();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      // Plain http on loopback (the quick start): HSTS there would pin localhost to https for a year.
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('production adds HSTS and upgrade-insecure-requests', async () => {
    const res = await rawRequest(production.baseUrl, '/', { headers: { host: 'crm.zvonok.test' } });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    const csp = directives(res.headers['content-security-policy'] as string | undefined);
    expect(csp['upgrade-insecure-requests']).toEqual([]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
  });
});
