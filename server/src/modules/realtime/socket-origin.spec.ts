import { describe, expect, it } from 'vitest';

import { isAllowedOrigin } from './socket-origin';

describe('isAllowedOrigin', () => {
  it('allows clients that send no Origin (not a browser)', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:3000', [])).toBe(true);
  });
  it('allows the same origin as the Host header', () => {
    expect(isAllowedOrigin('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
    expect(isAllowedOrigin('https://crm.example.ru', 'CRM.example.ru', [])).toBe(true);
  });
  it('allows a trusted origin (the vite dev server)', () => {
    expect(isAllowedOrigin('http://localhost:5173', '127.0.0.1:3000', ['http://localhost:5173/'])).toBe(true);
  });
  it('refuses another site, a port mismatch and garbage', () => {
    expect(isAllowedOrigin('https://evil.example', '127.0.0.1:3000', ['http://localhost:5173'])).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:4000', '127.0.0.1:3000', [])).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:3000', [])).toBe(false);
  });
});
