import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ProductDto, type ProductImportResultDto } from '@contracts/dto/product';
import { productsApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { formatMoney } from '@client/i18n/format';
import { useSession } from '@client/modules/auth/states/sessionContext';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { Icon } from '@client/ui/Icon';
import { PagedList } from '@client/ui/PagedList';
import { SearchField } from '@client/ui/SearchField';

const PAGE_SIZE = 20;
/** The roles the server lets change the catalogue; the others see it read-only. */
const EDITORS = new Set(['admin', 'manager']);

interface Draft {
  name: string;
  sku: string;
  price: string;
  currency: string;
  active: boolean;
}

const toDraft = (p?: ProductDto): Draft => ({
  name: p?.name ?? '',
  sku: p?.sku ?? '',
  price: p?.price ?? '',
  currency: p?.currency ?? 'RUB',
  active: p?.active ?? true,
});

/** New (no product) or edit; the server's error (a taken SKU, a bad price) is shown as its own text. */
function ProductForm({ product, onSaved }: { product?: ProductDto; onSaved: (p: ProductDto) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState(() => toDraft(product));
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const body = {
      name: draft.name.trim(),
      sku: draft.sku.trim(),
      price: draft.price.trim().replace(/\s/g, '').replace(',', '.'),
      currency: draft.currency.trim().toUpperCase(),
      active: draft.active,
    };
    (product ? productsApi.update(product.id, body) : productsApi.create(body))
      .then(onSaved, (err: unknown) => setError(err))
      .finally(() => setPending(false));
  };

  const input = (key: 'name' | 'sku' | 'price' | 'currency', extra: Record<string, string | number> = {}) => (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${key}`}>
        {t(`products.${key}`)}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        value={draft[key]}
        onChange={(e) => set(key, e.target.value)}
        data-testid={`product-${key}-input`}
        {...extra}
      />
    </div>
  );

  return (
    <form className="card card__body stack" onSubmit={submit} noValidate data-testid="product-form">
      <h2>{product ? product.name : t('products.new')}</h2>
      {error ? (
        <Alert tone="error" testId="product-form-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      <div className="form-grid">
        {input('name', { maxLength: 200 })}
        {input('sku', { maxLength: 64 })}
        {input('price', { inputMode: 'decimal' })}
        {input('currency', { maxLength: 3 })}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.active}
            onChange={(e) => set('active', e.target.checked)}
            data-testid="product-active-input"
          />
          {t('products.active')}
        </label>
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn--primary"
          disabled={pending || !draft.name.trim() || !draft.sku.trim() || !draft.price.trim()}
          data-testid="product-save"
        >
          {pending ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** Upload a price list; the answer says what was added and updated and which lines were not imported. */
function ProductImport({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [result, setResult] = useState<ProductImportResultDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const upload = (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setResult(null);
    productsApi.import(file).then(
      (r) => {
        setResult(r);
        onDone();
      },
      (err: unknown) => setError(err),
    );
  };
  return (
    <div className="stack">
      <label className="field__label" htmlFor={`${id}-file`}>
        {t('products.import')}
      </label>
      <input
        id={`${id}-file`}
        type="file"
        accept=".csv,.xlsx,text/csv"
        onChange={(e) => upload(e.target.files?.[0])}
        data-testid="product-import-file"
      />
      <p className="muted">{t('products.importHint')}</p>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {result ? (
        <Alert tone="success" testId="product-import-result">
          {t('products.imported', result)}
          {result.problems.length > 0
            ? ` · ${t('products.importProblems', {
                lines: result.problems
                  .map((p) => t('products.line', { line: p.line, fields: p.fields.join(', ') }))
                  .join('; '),
              })}`
            : ''}
        </Alert>
      ) : null}
    </div>
  );
}

/** The catalogue: a searchable list; admins and managers add, edit, import; everyone may export. */
export function ProductsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const editor = user ? EDITORS.has(user.role) : false;
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<ProductDto | 'new' | null>(null);
  const [stamp, setStamp] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const q = useDebounced(search.trim(), 300);
  const query = useQuery(`products:${q}:${page}:${stamp}`, (signal) =>
    productsApi.list({ q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );
  const saved = () => {
    setNotice(editing === 'new' ? t('products.created') : t('products.saved'));
    setEditing(null);
    setStamp((n) => n + 1);
  };
  return (
    <section aria-labelledby="products-title">
      <div className="page-header">
        <h1 id="products-title">{t('products.title')}</h1>
        <a className="btn" href={productsApi.exportUrl} download data-testid="product-export">
          {t('products.export')}
        </a>
        {editor ? (
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => {
              setNotice(null);
              setEditing('new');
            }}
            data-testid="product-new"
          >
            <Icon name="plus" size={16} /> {t('products.new')}
          </button>
        ) : null}
      </div>
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {!editor ? <p className="muted">{t('products.readOnly')}</p> : null}
      {editing ? (
        <ProductForm
          key={editing === 'new' ? 'new' : editing.id}
          product={editing === 'new' ? undefined : editing}
          onSaved={saved}
        />
      ) : null}
      <div className="toolbar" role="search">
        <SearchField
          value={search}
          onChange={(value) => {
            setSearch(value);
            setPage(1);
          }}
          placeholder={t('products.searchPlaceholder')}
          testId="products-search"
        />
      </div>
      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            testId="products-table"
            columns={[
              { label: t('products.name') },
              { label: t('products.sku') },
              { label: t('products.price'), numeric: true },
              { label: t('products.active') },
              ...(editor ? [{ label: <span className="visually-hidden">{t('products.edit')}</span> }] : []),
            ]}
          >
            {items.map((p) => (
              <tr key={p.id} data-testid="product-row">
                <td>{p.name}</td>
                <td>
                  <code>{p.sku}</code>
                </td>
                <td className="num">{formatMoney(p.price, locale, p.currency, 2)}</td>
                <td>{p.active ? '✓' : <span className="muted">{t('products.inactive')}</span>}</td>
                {editor ? (
                  <td>
                    <button
                      type="button"
                      className="btn btn--small"
                      onClick={() => {
                        setNotice(null);
                        setEditing(p);
                      }}
                      data-testid="product-edit"
                    >
                      {t('products.edit')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
      {editor ? (
        <div className="card card__body">
          <ProductImport onDone={() => setStamp((n) => n + 1)} />
        </div>
      ) : null}
    </section>
  );
}
