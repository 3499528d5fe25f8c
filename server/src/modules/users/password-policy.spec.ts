import { describe, expect, it } from 'vitest';

import { passwordProblem } from '@server/modules/users/password-policy';

describe('passwordProblem', () => {
  it('refuses fewer than 10 characters, counting letters not bytes', () => {
    expect(passwordProblem('Zv0n0k-xy', 'olga')).toBe('too-short');
    expect(passwordProblem('Звонок-оп1', 'olga')).toBeNull();
  });

  it('refuses the shipped common passwords, in any case and with digits or symbols added at the end', () => {
    expect(passwordProblem('qwertyuiop', 'olga')).toBe('too-common');
    expect(passwordProblem('QWERTYUIOP', 'olga')).toBe('too-common');
    expect(passwordProblem('1234567890', 'olga')).toBe('too-common');
    expect(passwordProblem('password123!', 'olga')).toBe('too-common');
  });

  it('refuses a password containing the login', () => {
    expect(passwordProblem('my-olga-secret-7', 'olga')).toBe('contains-login');
    expect(passwordProblem('Horse-battery-staple-9', 'olga')).toBeNull();
  });
});
