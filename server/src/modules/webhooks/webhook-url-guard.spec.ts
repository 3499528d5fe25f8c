import { describe, expect, it } from 'vitest';

import { WebhookUrlGuard } from './webhook-url-guard';

describe('WebhookUrlGuard', () => {
  const guard = new WebhookUrlGuard([]);

  it('refuses private, loopback, link-local, unique-local, CGNAT and meta addresses, in any spelling', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:8080/hook',
      'http://10.1.2.3/',
      'http://192.168.0.10/',
      'http://172.16.5.4/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://2130706433/', // 127.0.0.1 as one number; URL normalises it
      'http://0x7f.1/',
    ]) {
      expect(await guard.refusal(url), url).toMatch(/private, loopback or link-local/);
    }
  });

  it('lets public addresses through, and private ones only when allow-listed', async () => {
    expect(await guard.refusal('https://93.184.216.34/hook')).toBeNull();
    expect(await guard.refusal('http://[2001:4860:4860::8888]/')).toBeNull();
    const allowing = new WebhookUrlGuard(['127.0.0.1', '10.0.0.0/8']);
    expect(await allowing.refusal('http://127.0.0.1:9000/')).toBeNull();
    expect(await allowing.refusal('http://10.200.1.1/')).toBeNull();
    expect(await allowing.refusal('http://192.168.1.1/')).toMatch(/private/);
    expect(await allowing.refusal('http://169.254.169.254/')).toMatch(/link-local/);
  });
});
