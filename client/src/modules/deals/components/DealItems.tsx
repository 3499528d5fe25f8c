import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type DealItemsDto } from '@contracts/dto/deal';
import { dealsApi, productsApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatMoney } from '@client/i18n/format';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';

/** Products on the select; a catalogue larger than this is searched on the Products page. */
const PICK_LIMIT = 100;

/**
 * A deal's line items. Each change answers the items and the deal's new amount (their sum), and `onChange` lets the
 * page reload the deal so its header and form show it.
 */
export function DealItems({ dealId, items, onChange }: { dealId: string; items: DealItemsDto; onChange: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const products = useQuery('deal-item-products', (signal) =>
    productsApi.list({ active: 'true', limit: PICK_LIMIT, offset: 0 }, signal),
  );
  const [productId, setProductId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const run = (change: Promise<DealItemsDto>) => {
    setPending(true);
    setError(null);
    change
      .then(
        () => onChange(),
        (err: unknown) => setError(err),
      )
      .finally(() => setPending(false));
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    run(dealsApi.addItem(dealId, { productId, quantity: Number(quantity) }));
  };

  return (
    <section className="card card__body stack" aria-labelledby={`${id}-title`} data-testid="deal-items">
      <h2 id={`${id}-title`}>{t('products.items.title')}</h2>
      {error ? (
        <Alert tone="error" testId="deal-items-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      {items.items.length === 0 ? (
        <p className="muted">{t('products.items.empty')}</p>
      ) : (
        <>
          <DataTable
            compact
            testId="deal-items-table"
            columns={[
              { label: t('products.items.product') },
              { label: t('products.items.quantity'), numeric: true },
              { label: t('products.items.unitPrice'), numeric: true },
              { label: t('products.items.total'), numeric: true },
              { label: <span className="visually-hidden">{t('products.items.remove')}</span> },
            ]}
          >
            {items.items.map((item) => (
              <tr key={item.id} data-testid="deal-item-row">
                <td>
                  {item.name} <code className="muted">{item.sku}</code>
                </td>
                <td className="num">
                  <input
                    className="input input--narrow"
                    type="number"
                    min={1}
                    defaultValue={item.quantity}
                    aria-label={t('products.items.quantity')}
                    onBlur={(e) => {
                      const next = Number(e.target.value);
                      if (next !== item.quantity) run(dealsApi.changeItem(dealId, item.id, next));
                    }}
                    data-testid="deal-item-quantity"
                  />
                </td>
                <td className="num">{formatMoney(item.unitPrice, locale, items.currency, 2)}</td>
                <td className="num" data-testid="deal-item-total">
                  {formatMoney(item.total, locale, items.currency, 2)}
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn--small"
                    disabled={pending}
                    onClick={() => run(dealsApi.removeItem(dealId, item.id))}
                    data-testid="deal-item-remove"
                  >
                    {t('products.items.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
          <p className="muted">{t('products.items.amountFromItems')}</p>
        </>
      )}
      <form className="toolbar" onSubmit={add} noValidate>
        <div className="field field--grow">
          <label className="field__label" htmlFor={`${id}-product`}>
            {t('products.items.product')}
          </label>
          <select
            id={`${id}-product`}
            className="select"
            value={productId}
            onChange={(e) => setProductId(e.target.value)}
            data-testid="deal-item-product"
          >
            <option value="">{t('products.items.choose')}</option>
            {(products.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {`${p.name} · ${p.sku} · ${formatMoney(p.price, locale, p.currency, 2)}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-quantity`}>
            {t('products.items.quantity')}
          </label>
          <input
            id={`${id}-quantity`}
            className="input"
            type="number"
            min={1}
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            data-testid="deal-item-quantity-new"
          />
        </div>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={pending || !productId || !(Number(quantity) >= 1)}
          data-testid="deal-item-add"
        >
          {t('products.items.add')}
        </button>
      </form>
    </section>
  );
}
