import { describe, expect, it } from 'vitest';

import { parseRoute, sectionOf } from '@client/app/router';

describe('parseRoute', () => {
  it('maps hash paths to screens', () => {
    expect(parseRoute('/').name).toBe('contacts');
    expect(parseRoute('/contacts').name).toBe('contacts');
    expect(parseRoute('/contacts/new')).toEqual({ name: 'contact-new' });
    expect(parseRoute('/contacts/3f0e%2Fx')).toEqual({ name: 'contact-edit', id: '3f0e/x' });
    expect(parseRoute('/leads?status=new').name).toBe('leads');
    expect(parseRoute('/leads/extra').name).toBe('not-found');
    expect(parseRoute('/wallboard').name).toBe('not-found');
  });

  it('keeps the query string', () => {
    const route = parseRoute('/tasks?mine=1');
    expect(route.name === 'tasks' && route.query.get('mine')).toBe('1');
  });

  it('highlights the contacts section for every contact screen', () => {
    expect(sectionOf(parseRoute('/contacts/new'))).toBe('contacts');
    expect(sectionOf(parseRoute('/nope'))).toBeNull();
  });
});
