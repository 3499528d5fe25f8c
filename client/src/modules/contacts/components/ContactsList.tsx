import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { contactsApi, usersApi } from '@client/api/crmApi';
import { contactsExportUrl } from '@client/api/importsApi';
import { href } from '@client/app/router';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { ContactsTable } from '@client/modules/contacts/components/ContactsTable';
import { useCompanies } from '@client/modules/contacts/hooks/useCompanies';
import { FilterSelect } from '@client/ui/FilterSelect';
import { useCustomFields } from '@client/modules/customfields/hooks/useCustomFields';
import { fieldLabel } from '@client/modules/customfields/utils/customValue';
import { useLocale } from '@client/app/useLocale';
import { Icon } from '@client/ui/Icon';
import { PagedList } from '@client/ui/PagedList';
import { SearchField } from '@client/ui/SearchField';

const PAGE_SIZE = 20;
const HIDDEN_COLUMNS_KEY = 'zvonok.contacts.hiddenColumns';

/** Custom-field columns this browser's user hid (every field is a column until hidden). */
function readHiddenColumns(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(HIDDEN_COLUMNS_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function ContactsList() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const seesOthers = me.role !== 'operator';
  const [search, setSearch] = useState('');
  const [tagInput, setTagInput] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [page, setPage] = useState(1);
  const locale = useLocale();
  const fields = useCustomFields('contact');
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set(readHiddenColumns()));
  const [cfKey, setCfKey] = useState('');
  const [cfInput, setCfInput] = useState('');
  const cfValue = useDebounced(cfInput.trim(), 300);
  const q = useDebounced(search.trim(), 300);
  const tag = useDebounced(tagInput.trim(), 300);
  const searchId = useId();
  const companies = useCompanies();
  // Operators see only their own contacts (and callers who rang them), so an owner picker means nothing to them.
  const users = useQuery(`users:${seesOthers}`, (signal) => (seesOthers ? usersApi.list(signal) : Promise.resolve([])));
  const custom = cfKey && cfValue ? { cfKey, cfValue } : {};
  const filters = { q: q || undefined, tag: tag || undefined, ownerId: ownerId || undefined, ...custom };
  const toggleColumn = (key: string) => {
    const next = new Set(hidden);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setHidden(next);
    localStorage.setItem(HIDDEN_COLUMNS_KEY, JSON.stringify([...next]));
  };
  const query = useQuery(`contacts:${q}:${tag}:${ownerId}:${cfKey}:${cfValue}:${page}`, (signal) =>
    contactsApi.list({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );

  return (
    <section aria-labelledby="contacts-title">
      <div className="page-header">
        <h1 id="contacts-title">{t('contacts.title')}</h1>
        <span className="page-header__actions">
          <a className="btn" href={contactsExportUrl({ ...filters, format: 'csv' })} download data-testid="export-csv">
            {t('contacts.exportCsv')}
          </a>
          <a
            className="btn"
            href={contactsExportUrl({ ...filters, format: 'xlsx' })}
            download
            data-testid="export-xlsx"
          >
            {t('contacts.exportXlsx')}
          </a>
          <a className="btn" href={href('/contacts/import')} data-testid="contacts-import">
            {t('contacts.import')}
          </a>
          <a className="btn btn--primary" href={href('/contacts/new')} data-testid="contact-new">
            <Icon name="plus" size={16} /> {t('contacts.new')}
          </a>
        </span>
      </div>
      <div className="toolbar" role="search">
        <SearchField
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
          placeholder={t('contacts.searchPlaceholder')}
          testId="contacts-search"
        />
        <div className="field">
          <label className="field__label" htmlFor={`${searchId}-tag`}>
            {t('contacts.tag')}
          </label>
          <input
            id={`${searchId}-tag`}
            className="input"
            value={tagInput}
            onChange={(e) => {
              setTagInput(e.target.value);
              setPage(1);
            }}
            data-testid="contacts-tag-filter"
          />
        </div>
        <FilterSelect
          id={`${searchId}-owner`}
          label={t('contacts.owner')}
          value={ownerId}
          options={[
            { value: me.id, label: t('contacts.mine') },
            ...(users.data ?? []).filter((u) => u.id !== me.id).map((u) => ({ value: u.id, label: u.name })),
          ]}
          allLabel={t('common.all')}
          onChange={(value) => {
            setOwnerId(value);
            setPage(1);
          }}
          testId="contacts-owner-filter"
        />
        {fields.length ? (
          <>
            <FilterSelect
              id={`${searchId}-cf`}
              label={t('customFields.filterBy')}
              value={cfKey}
              options={fields.map((f) => ({ value: f.key, label: fieldLabel(f, locale) }))}
              allLabel={t('common.none')}
              onChange={(value) => {
                setCfKey(value);
                setPage(1);
              }}
              testId="contacts-cf-key"
            />
            <div className="field">
              <label className="field__label" htmlFor={`${searchId}-cf-value`}>
                {t('customFields.filterValue')}
              </label>
              <input
                id={`${searchId}-cf-value`}
                className="input"
                value={cfInput}
                disabled={!cfKey}
                onChange={(e) => {
                  setCfInput(e.target.value);
                  setPage(1);
                }}
                data-testid="contacts-cf-value"
              />
            </div>
            <details className="columns-picker" data-testid="contacts-columns">
              <summary className="btn">{t('customFields.columns')}</summary>
              <div className="columns-picker__list">
                {fields.map((f) => (
                  <label key={f.key} className="checkbox">
                    <input
                      type="checkbox"
                      checked={!hidden.has(f.key)}
                      onChange={() => toggleColumn(f.key)}
                      data-testid={`contacts-column-${f.key}`}
                    />
                    <span>{fieldLabel(f, locale)}</span>
                  </label>
                ))}
              </div>
            </details>
          </>
        ) : null}
      </div>
      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <ContactsTable
            items={items}
            companyNames={companies.names}
            customColumns={fields.filter((f) => !hidden.has(f.key))}
          />
        )}
      </PagedList>
    </section>
  );
}
