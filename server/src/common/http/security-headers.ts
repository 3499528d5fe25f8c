import { type RequestHandler } from 'express';
import helmet from 'helmet';

import { type Config } from '@server/config/env';

export type SecurityHeadersConfig = Pick<Config, 'nodeEnv'> & {
  publicUrl?: string;
  /** SOFTPHONE_WS_URL: JsSIP's WebSocket goes there, to the PBX, which is another origin. */
  softphoneWsUrl: string;
};

/**
 * helmet with a CSP of our own origin only: no framing (clickjacking of the signed-in app), no inline script,
 * nosniff, no Referer. What the app loads from elsewhere is derived from the configuration: the softphone's SIP
 * WebSocket, and blob: media for wavesurfer, which plays the fetched recording from an object URL. Styles allow
 * 'unsafe-inline' because wavesurfer puts a <style> in its shadow DOM. HSTS and upgrade-insecure-requests only in
 * production: the quick start is plain http on loopback, and HSTS would pin that host to https for a year.
 */
export function securityHeaders(config: SecurityHeadersConfig): RequestHandler {
  const production = config.nodeEnv === 'production';
  const connect = new Set(["'self'", new URL(config.softphoneWsUrl).origin]);
  // Socket.IO's own WebSocket: 'self' covers ws(s) of our origin in current browsers, older Safari needs it spelled.
  if (config.publicUrl) {
    const url = new URL(config.publicUrl);
    connect.add(`${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`);
  }
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'connect-src': [...connect],
        'media-src': ["'self'", 'blob:'],
        'font-src': ["'self'", 'data:'],
        'style-src': ["'self'", "'unsafe-inline'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': production ? [] : null,
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: production,
  });
}
