import { describe, expect, it } from 'vitest';

import { loadConfig } from '@server/config/env';
import { startupBanner } from '@server/common/startup/startup-banner';

describe('startupBanner', () => {
  it('names the URL, every demo login with its password, and the demo calls', () => {
    const text = startupBanner('http://127.0.0.1:3000', loadConfig({ SEED_DEMO: 'true', TELEPHONY_PROVIDER: 'demo' }));
    expect(text).toContain('Zvonok is ready: http://127.0.0.1:3000');
    expect(text).toContain('password "zvonok"');
    expect(text).toMatch(/^ {4}operator1 +operator, extension 1001: /m);
    expect(text).toMatch(/^ {4}manager +manager: analytics/m);
    expect(text).toContain('demo calls');
  });

  it('says nothing of demo logins or demo calls on a real installation', () => {
    const text = startupBanner('https://crm.example.ru', loadConfig({}));
    expect(text).toContain('Zvonok is ready: https://crm.example.ru');
    expect(text).not.toMatch(/zvonok"|demo/);
  });
});
