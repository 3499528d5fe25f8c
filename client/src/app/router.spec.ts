import { describe, expect, it } from 'vitest';

import { parseRoute, recordPath, sectionOf } from '@client/app/router';

describe('parseRoute', () => {
  it('maps hash paths to screens', () => {
    expect(parseRoute('/').name).toBe('contacts');
    expect(parseRoute('/contacts').name).toBe('contacts');
    expect(parseRoute('/contacts/new')).toEqual({ name: 'contact-new' });
    expect(parseRoute('/contacts/3f0e%2Fx')).toEqual({ name: 'contact-edit', id: '3f0e/x' });
    expect(parseRoute('/leads?status=new').name).toBe('leads');
    expect(parseRoute('/leads/extra/more').name).toBe('not-found');
    expect(parseRoute('/no-such-screen').name).toBe('not-found');
  });

  it('keeps the query string', () => {
    const route = parseRoute('/tasks?mine=1');
    expect(route.name === 'tasks' && route.query.get('mine')).toBe('1');
  });

  it('maps the import and company screens', () => {
    expect(parseRoute('/contacts/import')).toEqual({ name: 'contacts-import' });
    expect(parseRoute('/companies').name).toBe('companies');
    expect(parseRoute('/companies/new')).toEqual({ name: 'company-new' });
    expect(parseRoute('/companies/abc')).toEqual({ name: 'company-edit', id: 'abc' });
    expect(parseRoute('/companies/abc/x').name).toBe('not-found');
    expect(sectionOf(parseRoute('/contacts/import'))).toBe('contacts');
    expect(sectionOf(parseRoute('/companies/new'))).toBe('companies');
  });

  it('maps the products catalogue (one screen: list and editor)', () => {
    expect(parseRoute('/products')).toEqual({ name: 'products' });
    expect(parseRoute('/products/p1').name).toBe('not-found');
    expect(sectionOf(parseRoute('/products'))).toBe('products');
  });

  it('maps a lead, deal and task to its own page, under its list’s section', () => {
    expect(parseRoute('/leads/a%2Fb')).toEqual({ name: 'lead', id: 'a/b' });
    expect(parseRoute('/deals/d1')).toEqual({ name: 'deal', id: 'd1' });
    expect(parseRoute('/tasks/t1')).toEqual({ name: 'task', id: 't1' });
    expect(sectionOf(parseRoute('/deals/d1'))).toBe('deals');
    expect(recordPath('company', 'c/1')).toBe('/companies/c%2F1');
    expect(parseRoute(recordPath('lead', 'x'))).toEqual({ name: 'lead', id: 'x' });
  });

  it('highlights the contacts section for every contact screen', () => {
    expect(sectionOf(parseRoute('/contacts/new'))).toBe('contacts');
    expect(sectionOf(parseRoute('/nope'))).toBeNull();
  });
});
