import { describe, expect, it } from 'vitest';

import { routeMatcher } from './route-pattern';

describe('routeMatcher', () => {
  const find = routeMatcher([
    { method: 'GET', path: '/api/calls/:id', name: 'one' },
    { method: 'GET', path: '/api/calls/active', name: 'active' },
    { method: 'PATCH', path: '/api/calls/:id/wrap-up', name: 'wrap-up' },
    { method: 'GET', path: '/api/openapi.json', name: 'spec' },
  ]);

  it('prefers a literal segment over a parameter, like the routers are mounted', () => {
    expect(find('GET', '/api/calls/active')?.name).toBe('active');
    expect(find('GET', '/api/calls/0b6d0f5e-1c4b-4c1c-9a51-5f0d7a3f3f11')?.name).toBe('one');
  });

  it('matches as express does: method, case-insensitive path, trailing slash, HEAD as GET', () => {
    expect(find('patch', '/API/Calls/x/WRAP-UP/')?.name).toBe('wrap-up');
    expect(find('HEAD', '/api/calls/x')?.name).toBe('one');
    expect(find('POST', '/api/calls/x')).toBeUndefined();
  });

  it('takes dots literally and never lets a parameter span segments', () => {
    expect(find('GET', '/api/openapiXjson')).toBeUndefined();
    expect(find('GET', '/api/calls/a/b')).toBeUndefined();
    expect(find('GET', '/api/calls/')).toBeUndefined();
  });
});
