import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { contactsApi } from '@client/api/crmApi';
import { href } from '@client/app/router';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { ContactsTable } from '@client/modules/contacts/components/ContactsTable';
import { useCompanies } from '@client/modules/contacts/hooks/useCompanies';
import { Icon } from '@client/ui/Icon';
import { Pagination } from '@client/ui/Pagination';
import { QueryView } from '@client/ui/QueryView';

const PAGE_SIZE = 20;

export function ContactsList() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const q = useDebounced(search.trim(), 300);
  const searchId = useId();
  const companies = useCompanies();
  const query = useQuery(`contacts:${q}:${page}`, (signal) =>
    contactsApi.list({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );

  return (
    <section aria-labelledby="contacts-title">
      <div className="page-header">
        <h1 id="contacts-title">{t('contacts.title')}</h1>
        <a className="btn btn--primary" href={href('/contacts/new')} data-testid="contact-new">
          <Icon name="plus" size={16} /> {t('contacts.new')}
        </a>
      </div>
      <div className="toolbar" role="search">
        <div className="field field--grow">
          <label className="visually-hidden" htmlFor={searchId}>
            {t('common.search')}
          </label>
          <input
            id={searchId}
            type="search"
            className="input input--search"
            placeholder={t('contacts.searchPlaceholder')}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
            data-testid="contacts-search"
          />
        </div>
      </div>
      <div className="card">
        <QueryView {...query} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <>
              <ContactsTable items={data.items} companyNames={companies.names} />
              <Pagination page={page} pageSize={PAGE_SIZE} total={data.total} onPage={setPage} />
            </>
          )}
        </QueryView>
      </div>
    </section>
  );
}
