import { describe, expect, it } from 'vitest';

import { TelephonyError } from '@telephony/errors';
import { renderPjsipAuth } from '@telephony/ami/pjsip-auth-file';

const SECRET = 'Zq3_-abcdefghijkLMNOPqrs';

describe('renderPjsipAuth', () => {
  it('renders one userpass auth section per endpoint, sorted, so the same set is always the same text', () => {
    const a = renderPjsipAuth([
      { username: '1001-web', password: SECRET },
      { username: '1001', password: SECRET },
    ]);
    const b = renderPjsipAuth([
      { username: '1001', password: SECRET },
      { username: '1001-web', password: SECRET },
    ]);
    expect(a).toBe(b);
    expect(a).toContain(`[1001]\ntype = auth\nauth_type = userpass\nusername = 1001\npassword = ${SECRET}\n`);
    expect(a.indexOf('[1001]')).toBeLessThan(a.indexOf('[1001-web]'));
  });

  it('an empty set leaves no section: every endpoint then refuses authentication', () => {
    expect(renderPjsipAuth([])).not.toContain('[');
  });

  it.each([
    ['a newline in a username', { username: '1001\n[1901]', password: SECRET }],
    ['a section bracket in a username', { username: '1901]', password: SECRET }],
    ['a comment in a password', { username: '1001', password: 'abcdefghijkl;x' }],
    ['a newline in a password', { username: '1001', password: 'abcdefghijkl\npassword = zvonok' }],
    ['a short password', { username: '1001', password: 'zvonok' }],
  ])('refuses %s instead of writing it into the config, without echoing the password', (_case, credential) => {
    let caught: unknown;
    try {
      renderPjsipAuth([credential]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TelephonyError);
    expect((caught as Error).message).not.toContain(credential.password);
  });

  it('refuses two secrets for one endpoint', () => {
    expect(() =>
      renderPjsipAuth([
        { username: '1001', password: SECRET },
        { username: '1001', password: `${SECRET}x` },
      ]),
    ).toThrow(/two SIP secrets for 1001/);
  });
});
