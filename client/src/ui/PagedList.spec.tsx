import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';

import { type QueryState } from '@client/app/useQuery';
import { changeLocale, initI18n } from '@client/i18n/i18n';
import { PagedList } from '@client/ui/PagedList';

type Page = { items: string[]; total: number };

const state = (patch: Partial<QueryState<Page>>): QueryState<Page> => ({
  data: undefined,
  error: null,
  loading: false,
  reload: () => undefined,
  ...patch,
});

const render = (query: QueryState<Page>, page = 1) =>
  renderToStaticMarkup(
    <PagedList query={query} page={page} pageSize={20} onPage={() => undefined}>
      {(items) => (
        <ul data-testid="items">
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </PagedList>,
  );

describe('PagedList', () => {
  beforeEach(async () => {
    initI18n('en');
    await changeLocale('en');
  });

  it('renders the page of items and a pager counted from the total', () => {
    const html = render(state({ data: { items: ['a', 'b'], total: 45 } }), 2);
    expect(html).toMatch(/^<div class="card"><div aria-busy="false"><ul data-testid="items">/);
    expect(html).toContain('<li>a</li><li>b</li>');
    expect(html).toContain('data-testid="pagination"');
    expect(html).toContain('Total: 45');
    expect(html).toContain('Page 2 of 3');
    // Page 2 of 3: both neighbours exist, so the pager got the page it was given.
    expect(html).not.toContain('disabled');
  });

  it('shows the empty state and no pager for an empty page', () => {
    const html = render(state({ data: { items: [], total: 0 } }));
    expect(html).toContain('data-testid="empty"');
    expect(html).toContain('Nothing found');
    expect(html).not.toContain('data-testid="items"');
    expect(html).not.toContain('data-testid="pagination"');
  });

  it('shows a spinner before the first page and an error with retry when loading failed', () => {
    const loading = render(state({ loading: true }));
    expect(loading).toContain('class="spinner"');
    expect(loading).not.toContain('data-testid="pagination"');

    const failed = render(state({ error: new Error('boom') }));
    expect(failed).toContain('data-testid="query-error"');
    expect(failed).not.toContain('data-testid="pagination"');
  });
});
