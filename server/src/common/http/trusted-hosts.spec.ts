import { describe, expect, it } from 'vitest';

import { isTrustedHost, LOOPBACK_ONLY, trustedHosts } from '@server/common/http/trusted-hosts';

describe('trustedHosts / isTrustedHost', () => {
  const production = trustedHosts({
    nodeEnv: 'production',
    publicUrl: 'https://crm.example.ru',
    trustedOrigins: ['http://admin.example.ru:8080'],
  });

  it('serves PUBLIC_URL and the TRUSTED_ORIGINS hosts, with the default port spelled out or not, any case', () => {
    for (const host of ['crm.example.ru', 'CRM.Example.ru', 'crm.example.ru:443', 'admin.example.ru:8080']) {
      expect(isTrustedHost(host, production), host).toBe(true);
    }
  });

  it('refuses other hosts, other ports, loopback in production, and Host values URL parsing would reread', () => {
    for (const host of [
      undefined,
      '',
      'rebind.attacker.example:3400',
      'crm.example.ru:8443',
      'admin.example.ru',
      '127.0.0.1:3000',
      'localhost',
      'crm.example.ru@evil.example',
      'evil.example/crm.example.ru',
      'crm.example.ru.',
    ]) {
      expect(isTrustedHost(host, production), String(host)).toBe(false);
    }
  });

  it('serves loopback outside production, on any port', () => {
    const dev = trustedHosts({ nodeEnv: 'development', trustedOrigins: [] });
    for (const host of ['127.0.0.1:3000', 'localhost:5173', '[::1]:3000', '127.1.2.3', 'app.localhost']) {
      expect(isTrustedHost(host, dev), host).toBe(true);
      expect(isTrustedHost(host, LOOPBACK_ONLY), host).toBe(true);
    }
    expect(isTrustedHost('192.168.1.5:3000', dev)).toBe(false);
    expect(isTrustedHost('127.0.0.1.evil.example', dev)).toBe(false);
  });
});
