import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type DealDto, type DealStageChangeDto } from '@contracts/dto/deal';
import { type PipelineDto } from '@contracts/dto/pipeline';
import { contactsApi, dealsApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, recordPath } from '@client/app/router';
import { useSubmit } from '@client/app/useSubmit';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime, formatMoney } from '@client/i18n/format';
import { ContactPicker } from '@client/modules/contacts/components/ContactPicker';
import { DealItems } from '@client/modules/deals/components/DealItems';
import { usePipelines } from '@client/modules/deals/hooks/usePipelines';
import { stageName } from '@client/modules/deals/utils/board';
import { ReassignControl } from '@client/modules/ownership/components/ReassignControl';
import { NewTaskForm } from '@client/modules/tasks/components/NewTaskForm';
import { Alert } from '@client/ui/Alert';
import { QueryView } from '@client/ui/QueryView';

/** A stage's name in the viewer's language; the bare key when the pipeline or stage has gone since. */
function useStageLabel(pipelines: PipelineDto[]) {
  const locale = useLocale();
  return (pipelineId: string | null, key: string | null) => {
    if (key === null) return '';
    const stage = pipelines.find((p) => p.id === pipelineId)?.stages.find((s) => s.key === key);
    return stage ? stageName(stage, locale) : key;
  };
}

interface DealFormProps {
  deal: DealDto;
  pipeline?: PipelineDto;
  /** The deal has line items: its amount is their sum, shown but not typed. */
  amountFromItems: boolean;
  onSaved: () => void;
}

function DealForm({ deal, pipeline, amountFromItems, onSaved }: DealFormProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [title, setTitle] = useState(deal.title);
  const [amount, setAmount] = useState(deal.amount);
  const [stage, setStage] = useState(deal.stage);
  const [contactId, setContactId] = useState(deal.contactId);
  const contact = useQuery(`deal-contact:${deal.contactId ?? ''}`, (signal) =>
    deal.contactId ? contactsApi.get(deal.contactId, signal) : Promise.resolve(null),
  );
  const [saved, setSaved] = useState(false);
  const { submit, pending, error } = useSubmit(
    () => {
      setSaved(false);
      return dealsApi.update(deal.id, {
        title: title.trim(),
        ...(amountFromItems ? {} : { amount: amount.trim().replace(',', '.') }),
        stage,
        contactId,
      });
    },
    () => {
      setSaved(true);
      onSaved();
    },
  );

  return (
    <form className="card card__body stack" onSubmit={submit} noValidate data-testid="deal-form">
      {error ? (
        <Alert tone="error" testId="deal-form-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      {saved ? <Alert tone="success">{t('records.saved')}</Alert> : null}
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
            data-testid="deal-title-input"
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
            readOnly={amountFromItems}
            title={amountFromItems ? t('products.items.amountFromItems') : undefined}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="deal-amount-input"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-stage`}>
            {t('deals.stage')}
          </label>
          <select
            id={`${id}-stage`}
            className="select"
            value={stage}
            onChange={(e) => setStage(e.target.value)}
            data-testid="deal-stage-input"
          >
            {(pipeline?.stages ?? [{ key: deal.stage, nameRu: deal.stage, nameEn: deal.stage }]).map((s) => (
              <option key={s.key} value={s.key}>
                {stageName(s, locale)}
              </option>
            ))}
          </select>
        </div>
        <ContactPicker
          label={t('deals.contact')}
          value={contactId}
          currentName={contactId === deal.contactId ? (contact.data?.name ?? null) : null}
          onChange={setContactId}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={pending || !title.trim()} data-testid="deal-save">
          {pending ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

function StageHistory({ items, label }: { items: DealStageChangeDto[]; label: ReturnType<typeof useStageLabel> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <ol className="timeline__list" data-testid="deal-history">
      {items.map((h) => (
        <li key={h.id} className="timeline__item" data-testid="deal-history-item">
          <time className="muted" dateTime={h.at}>
            {formatDateTime(h.at, locale)}
          </time>
          <strong>
            {h.fromStage === null
              ? t('records.stageEntered', { to: label(h.toPipelineId, h.toStage) })
              : t('records.stageChanged', {
                  from: label(h.fromPipelineId, h.fromStage),
                  to: label(h.toPipelineId, h.toStage),
                })}
          </strong>
          <span className="muted">{h.by?.name ?? t('timeline.nobody')}</span>
        </li>
      ))}
    </ol>
  );
}

/** A deal's own page: its fields edited in place, who owns it, and every stage it entered (who moved it, when). */
export function DealPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const deal = useQuery(`deal:${id}`, (signal) => dealsApi.get(id, signal));
  const history = useQuery(`deal-history:${id}:${deal.data?.updatedAt ?? ''}`, (signal) =>
    dealsApi.history(id, signal),
  );
  const items = useQuery(`deal-items:${id}:${deal.data?.updatedAt ?? ''}`, (signal) => dealsApi.items(id, signal));
  const { pipelines } = usePipelines(null);
  const label = useStageLabel(pipelines);
  return (
    <section aria-labelledby="deal-title" className="record-page">
      <div className="page-header">
        <h1 id="deal-title" data-testid="deal-page-title">
          {deal.data?.title ?? t('deals.title')}
        </h1>
        {deal.data ? (
          <span className="badge badge--primary" data-testid="deal-page-stage">
            {label(deal.data.pipelineId, deal.data.stage)} · {formatMoney(deal.data.amount, locale, deal.data.currency)}
          </span>
        ) : null}
      </div>
      <QueryView {...deal} isEmpty={() => false}>
        {(d) => (
          <div className="contact-layout">
            <div className="stack">
              <DealForm
                key={d.updatedAt}
                deal={d}
                pipeline={pipelines.find((p) => p.id === d.pipelineId)}
                amountFromItems={(items.data?.items.length ?? 0) > 0}
                onSaved={deal.reload}
              />
              {items.data ? <DealItems dealId={d.id} items={items.data} onChange={deal.reload} /> : null}
              <section className="card card__body stack" aria-labelledby="deal-history-title">
                <h2 id="deal-history-title">{t('records.stageHistory')}</h2>
                {history.error ? <Alert tone="error">{errorText(t, history.error)}</Alert> : null}
                <StageHistory items={history.data ?? []} label={label} />
              </section>
            </div>
            <aside className="card card__body stack">
              {d.contactId ? (
                <a href={href(recordPath('contact', d.contactId))} data-testid="deal-contact-link">
                  {t('records.openContact')}
                </a>
              ) : null}
              {d.companyId ? <a href={href(recordPath('company', d.companyId))}>{t('records.openCompany')}</a> : null}
              <ReassignControl
                ownerId={d.ownerId}
                onReassign={(userId) => dealsApi.reassign(d.id, userId).then(deal.reload)}
              />
              <h2>{t('records.newTask')}</h2>
              <NewTaskForm entityType="deal" entityId={d.id} />
            </aside>
          </div>
        )}
      </QueryView>
    </section>
  );
}
