import { type RequestHandler } from 'express';

import { AppError } from '@server/common/errors/app-error';
import { type Config } from '@server/config/env';

/**
 * Which `Host` headers this server answers. Without the check a page on an attacker's domain that resolves to our
 * address (DNS rebinding) is same-origin with us in the browser: its requests carry its own Host and a matching
 * Origin, so neither CSRF defence notices. Loopback hosts are served only outside production (quick start, dev
 * server, tests); production serves PUBLIC_URL and the TRUSTED_ORIGINS only. Behind a reverse proxy the proxy must
 * pass the browser's Host through (nginx: `proxy_set_header Host $host`).
 */
export interface TrustedHosts {
  /** Lower-case `host[:port]` values, as in a Host header. */
  hosts: ReadonlySet<string>;
  allowLoopback: boolean;
}

export const LOOPBACK_ONLY: TrustedHosts = { hosts: new Set(), allowLoopback: true };

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

export function trustedHosts(
  config: Pick<Config, 'nodeEnv' | 'trustedOrigins'> & { publicUrl?: string },
): TrustedHosts {
  const hosts = new Set<string>();
  for (const origin of [config.publicUrl, ...config.trustedOrigins]) {
    if (!origin || !URL.canParse(origin)) continue;
    const url = new URL(origin);
    hosts.add(url.host);
    // A client may spell out the scheme's default port.
    if (!url.port && DEFAULT_PORTS[url.protocol]) hosts.add(`${url.hostname}:${DEFAULT_PORTS[url.protocol]}`);
  }
  return { hosts, allowLoopback: config.nodeEnv !== 'production' };
}

// A hostname or a bracketed IPv6 address, then an optional port: nothing that URL parsing could read differently.
const HOST_HEADER = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

export function isTrustedHost(host: string | undefined, trusted: TrustedHosts): boolean {
  const value = host?.trim().toLowerCase();
  if (!value || !HOST_HEADER.test(value)) return false;
  if (trusted.hosts.has(value)) return true;
  return trusted.allowLoopback && isLoopback(new URL(`http://${value}`).hostname);
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}

/** Refuses requests for any other Host with 421 HOST_NOT_ALLOWED (RFC 9110: not a host this server answers for). */
export function hostGuard(trusted: TrustedHosts): RequestHandler {
  return (req, _res, next) => {
    if (isTrustedHost(req.headers.host, trusted)) return next();
    next(new AppError('HOST_NOT_ALLOWED', 421, 'This server does not answer for that host name'));
  };
}
