import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { companiesApi } from '@client/api/crmApi';
import { href } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { DataTable } from '@client/ui/DataTable';
import { Icon } from '@client/ui/Icon';
import { PagedList } from '@client/ui/PagedList';
import { SearchField } from '@client/ui/SearchField';
import { PhoneText } from '@client/ui/PhoneText';

const PAGE_SIZE = 20;

export function CompaniesList() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const q = useDebounced(search.trim(), 300);
  const query = useQuery(`companies:${q}:${page}`, (signal) =>
    companiesApi.list({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );
  return (
    <section aria-labelledby="companies-title">
      <div className="page-header">
        <h1 id="companies-title">{t('companies.title')}</h1>
        <a className="btn btn--primary" href={href('/companies/new')} data-testid="company-new">
          <Icon name="plus" size={16} /> {t('companies.new')}
        </a>
      </div>
      <div className="toolbar" role="search">
        <SearchField
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
          placeholder={t('companies.searchPlaceholder')}
          testId="companies-search"
        />
      </div>
      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            testId="companies-table"
            columns={[
              { label: t('companies.name') },
              { label: t('companies.inn') },
              { label: t('companies.phone') },
              { label: t('companies.website') },
            ]}
          >
            {items.map((c) => (
              <tr key={c.id} data-testid="company-row">
                <td>
                  <a className="row-link" href={href(`/companies/${encodeURIComponent(c.id)}`)}>
                    {c.name}
                  </a>
                </td>
                <td>{c.inn ?? ''}</td>
                <td>{c.phoneE164 ? <PhoneText value={c.phoneE164} locale={locale} /> : null}</td>
                <td>
                  {/* Rows saved before the server allowed only http(s) may hold javascript: and the like: text. */}
                  {c.website && /^https?:\/\//i.test(c.website) ? (
                    <a href={c.website} target="_blank" rel="noreferrer noopener">
                      {c.website.replace(/^https?:\/\//i, '')}
                    </a>
                  ) : (
                    c.website
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </section>
  );
}
