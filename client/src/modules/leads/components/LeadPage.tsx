import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type LeadDto } from '@contracts/dto/lead';
import { leadsApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, recordPath } from '@client/app/router';
import { useSubmit } from '@client/app/useSubmit';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime, formatPhone } from '@client/i18n/format';
import { LeadStatusSelect } from '@client/modules/leads/components/LeadStatusSelect';
import { ReassignControl } from '@client/modules/ownership/components/ReassignControl';
import { NewTaskForm } from '@client/modules/tasks/components/NewTaskForm';
import { Timeline } from '@client/modules/timeline/components/Timeline';
import { Alert } from '@client/ui/Alert';
import { QueryView } from '@client/ui/QueryView';

/** The lead's display name: its own name once someone gave it one, else its number. */
export const leadName = (lead: Pick<LeadDto, 'name' | 'phoneE164' | 'phoneRaw'>, locale: 'ru' | 'en') =>
  lead.name ?? (lead.phoneE164 ? formatPhone(lead.phoneE164, locale) : (lead.phoneRaw ?? ''));

function LeadNameForm({ lead, onSaved }: { lead: LeadDto; onSaved: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(lead.name ?? '');
  const { submit, pending, error } = useSubmit(() => leadsApi.update(lead.id, { name: name.trim() || null }), onSaved);
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="lead-form">
      <div className="field">
        <label className="field__label" htmlFor={id}>
          {t('leads.name')}
        </label>
        <input
          id={id}
          className="input"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          data-testid="lead-name-input"
        />
      </div>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <div>
        <button type="submit" className="btn btn--small" disabled={pending} data-testid="lead-save">
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** Lead → contact (with the lead's number and owner) and, if a deal title is given, its first deal: one step. */
function ConvertForm({ lead, onConverted }: { lead: LeadDto; onConverted: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [name, setName] = useState(lead.name ?? '');
  const [dealTitle, setDealTitle] = useState('');
  const [amount, setAmount] = useState('');
  const { submit, pending, error } = useSubmit(() => {
    const deal = dealTitle.trim()
      ? { title: dealTitle.trim(), amount: amount.trim().replace(',', '.') || '0' }
      : undefined;
    return leadsApi.convert(lead.id, { contact: { name: name.trim() || leadName(lead, locale) }, deal });
  }, onConverted);
  return (
    <form className="card card__body stack" onSubmit={submit} noValidate data-testid="lead-convert-form">
      <h2>{t('records.convertTitle')}</h2>
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-name`}>
            {t('records.contactName')}
          </label>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            data-testid="lead-convert-name"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-deal`}>
            {t('records.firstDeal')}
          </label>
          <input
            id={`${id}-deal`}
            className="input"
            value={dealTitle}
            maxLength={200}
            onChange={(e) => setDealTitle(e.target.value)}
            data-testid="lead-convert-deal"
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
            data-testid="lead-convert-amount"
          />
        </div>
      </div>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <div>
        <button type="submit" className="btn btn--primary" disabled={pending} data-testid="lead-convert-save">
          {t('records.convert')}
        </button>
      </div>
    </form>
  );
}

/** A lead's own page: its name and status, conversion into a contact (and a first deal), owner, and its history. */
export function LeadPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const lead = useQuery(`lead:${id}`, (signal) => leadsApi.get(id, signal));
  return (
    <section aria-labelledby="lead-title" className="record-page">
      <div className="page-header">
        <h1 id="lead-title" data-testid="lead-page-title">
          {lead.data ? leadName(lead.data, locale) || t('leads.title') : t('leads.title')}
        </h1>
      </div>
      <QueryView {...lead} isEmpty={() => false}>
        {(l) => (
          <>
            <div className="contact-layout">
              <div className="stack">
                <div className="card card__body stack">
                  <dl className="pop-card__facts">
                    <dt>{t('leads.phone')}</dt>
                    <dd>{l.phoneE164 ? formatPhone(l.phoneE164, locale) : (l.phoneRaw ?? t('common.none'))}</dd>
                    <dt>{t('leads.source')}</dt>
                    <dd>{t(`leads.sources.${l.source}`)}</dd>
                    <dt>{t('leads.createdAt')}</dt>
                    <dd>{formatDateTime(l.createdAt, locale)}</dd>
                    <dt>{t('leads.status')}</dt>
                    <dd>
                      <LeadStatusSelect key={l.updatedAt} lead={l} />
                    </dd>
                  </dl>
                  <LeadNameForm key={`name:${l.updatedAt}`} lead={l} onSaved={lead.reload} />
                </div>
                {l.contactId ? (
                  <Alert tone="success" testId="lead-converted">
                    {t('records.converted')}{' '}
                    <a href={href(recordPath('contact', l.contactId))} data-testid="lead-contact-link">
                      {t('records.openContact')}
                    </a>
                    {l.dealId ? (
                      <>
                        {' · '}
                        <a href={href(recordPath('deal', l.dealId))} data-testid="lead-deal-link">
                          {t('records.openDeal')}
                        </a>
                      </>
                    ) : null}
                  </Alert>
                ) : (
                  <ConvertForm lead={l} onConverted={lead.reload} />
                )}
              </div>
              <aside className="card card__body stack">
                <ReassignControl
                  ownerId={l.ownerId}
                  onReassign={(userId) => leadsApi.reassign(l.id, userId).then(lead.reload)}
                />
                <h2>{t('records.newTask')}</h2>
                <NewTaskForm entityType="lead" entityId={l.id} />
              </aside>
            </div>
            <Timeline key={l.updatedAt} entityType="lead" entityId={l.id} />
          </>
        )}
      </QueryView>
    </section>
  );
}
