import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type DealDto } from '@contracts/dto/deal';
import { dealsApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, recordPath } from '@client/app/router';
import { useSubmit } from '@client/app/useSubmit';
import { Alert } from '@client/ui/Alert';

/**
 * A deal made where the user is: on a contact's or company's page (linked to it) or above the deals list. It starts
 * on its pipeline's first open stage; its own page edits the rest.
 */
export function NewDealForm({
  contactId = null,
  companyId = null,
  pipelineId,
  onCreated,
}: {
  contactId?: string | null;
  companyId?: string | null;
  /** Default: the default pipeline. */
  pipelineId?: string;
  onCreated?: (deal: DealDto) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState('');
  const [created, setCreated] = useState<DealDto | null>(null);
  const { submit, pending, error } = useSubmit(
    () =>
      dealsApi.create({
        title: title.trim(),
        amount: amount.trim().replace(',', '.') || '0',
        contactId,
        companyId,
        pipelineId,
      }),
    (deal) => {
      setCreated(deal);
      setTitle('');
      setAmount('');
      onCreated?.(deal);
    },
  );

  return (
    <form className="stack form-section" onSubmit={submit} noValidate data-testid="new-deal-form">
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-title`}>
            {t('deals.name')}
          </label>
          <input
            id={`${id}-title`}
            className="input"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            data-testid="new-deal-title"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-amount`}>
            {t('deals.amount')}
          </label>
          <input
            id={`${id}-amount`}
            className="input"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="new-deal-amount"
          />
        </div>
      </div>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {created ? (
        <Alert tone="success" testId="new-deal-created">
          {t('records.dealCreated')} <a href={href(recordPath('deal', created.id))}>{created.title}</a>
        </Alert>
      ) : null}
      <div>
        <button
          type="submit"
          className="btn btn--small btn--primary"
          disabled={pending || !title.trim()}
          data-testid="new-deal-save"
        >
          {t('records.createDeal')}
        </button>
      </div>
    </form>
  );
}
