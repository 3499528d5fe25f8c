import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CompanyDto } from '@contracts/dto/company';
import { companiesApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, navigate } from '@client/app/router';
import { useQuery } from '@client/app/useQuery';
import { Alert } from '@client/ui/Alert';
import { QueryView } from '@client/ui/QueryView';
import { NewDealForm } from '@client/modules/deals/components/NewDealForm';
import { ReassignControl } from '@client/modules/ownership/components/ReassignControl';
import { NewTaskForm } from '@client/modules/tasks/components/NewTaskForm';
import { Timeline } from '@client/modules/timeline/components/Timeline';
import { CustomFieldInputs, refusedCustomFields } from '@client/modules/customfields/components/CustomFieldInputs';
import { useCustomFields } from '@client/modules/customfields/hooks/useCustomFields';
import { type CustomDraft, toCustomDraft, toCustomValues } from '@client/modules/customfields/utils/customValue';

interface Draft {
  name: string;
  inn: string;
  website: string;
  phone: string;
}

const toDraft = (c?: CompanyDto): Draft => ({
  name: c?.name ?? '',
  inn: c?.inn ?? '',
  website: c?.website ?? '',
  phone: c?.phoneE164 ?? '',
});

function CompanyForm({ company }: { company?: CompanyDto }) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => toDraft(company));
  const fields = useCustomFields('company');
  const [custom, setCustom] = useState<CustomDraft>({});
  const customDraft = { ...toCustomDraft(fields, company?.custom ?? {}), ...custom };
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);
  const set = (key: keyof Draft, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const body = {
      name: draft.name.trim(),
      inn: draft.inn.trim() || null,
      website: draft.website.trim() || null,
      phone: draft.phone.trim() || null,
      custom: toCustomValues(fields, customDraft),
    };
    try {
      if (company) {
        const updated = await companiesApi.update(company.id, body);
        setDraft(toDraft(updated));
        setCustom(toCustomDraft(fields, updated.custom));
        setSaved(true);
      } else {
        const created = await companiesApi.create(body);
        navigate(`/companies/${encodeURIComponent(created.id)}`);
      }
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  const field = (key: keyof Draft, label: string, extra: Record<string, string | number> = {}) => (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${key}`}>
        {label}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        value={draft[key]}
        onChange={(e) => set(key, e.target.value)}
        data-testid={`company-${key}-input`}
        {...extra}
      />
    </div>
  );

  return (
    <form className="card card__body" onSubmit={(e) => void submit(e)} noValidate data-testid="company-form">
      {error ? (
        <Alert tone="error" testId="company-form-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      {saved ? <Alert tone="success">{t('companies.updated')}</Alert> : null}
      <div className="form-grid">
        {field('name', t('companies.name'), { maxLength: 200 })}
        {field('inn', t('companies.inn'), { inputMode: 'numeric', pattern: '\\d{10}(\\d{2})?' })}
        {field('phone', t('companies.phone'), { type: 'tel' })}
        {field('website', t('companies.website'), { type: 'url', placeholder: 'https://' })}
      </div>
      <CustomFieldInputs
        fields={fields}
        draft={customDraft}
        onChange={(next) => {
          setCustom(next);
          setSaved(false);
        }}
        invalid={refusedCustomFields(error)}
      />
      <div className="form-actions">
        <a className="btn" href={href('/companies')}>
          {t('common.cancel')}
        </a>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={pending || !draft.name.trim()}
          data-testid="company-save"
        >
          {pending ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** Beside the company: its owner (staff reassign it), and deals and tasks made for it right here. */
function CompanyWork({ company, onChange }: { company: CompanyDto; onChange: () => void }) {
  const { t } = useTranslation();
  return (
    <aside className="card card__body activity" aria-label={t('records.work')}>
      <ReassignControl
        ownerId={company.ownerId}
        onReassign={(userId) => companiesApi.reassign(company.id, userId).then(onChange)}
      />
      <details className="activity__new" data-testid="company-new-deal">
        <summary>{t('records.newDeal')}</summary>
        <NewDealForm companyId={company.id} onCreated={onChange} />
      </details>
      <details className="activity__new" data-testid="company-new-task">
        <summary>{t('records.newTask')}</summary>
        <NewTaskForm entityType="company" entityId={company.id} onCreated={onChange} />
      </details>
    </aside>
  );
}

/** Create (no id) or edit a company; the form remounts per company. */
export function CompanyEditor({ id }: { id?: string }) {
  const { t } = useTranslation();
  const query = useQuery(`company:${id ?? 'new'}`, (signal) =>
    id ? companiesApi.get(id, signal) : Promise.resolve(null),
  );
  const [stamp, setStamp] = useState(0);
  const changed = () => {
    query.reload();
    setStamp((n) => n + 1);
  };
  return (
    <section aria-labelledby="company-title">
      <div className="page-header">
        <h1 id="company-title">{id ? (query.data?.name ?? t('companies.editTitle')) : t('companies.new')}</h1>
      </div>
      <QueryView {...query} isEmpty={() => false}>
        {(company) =>
          company ? (
            <>
              <div className="contact-layout">
                <CompanyForm key={company.id} company={company} />
                <CompanyWork company={company} onChange={changed} />
              </div>
              {/* A company's history includes its contacts' (those the viewer may see); fresh after a change here. */}
              <Timeline key={`${company.updatedAt}:${stamp}`} entityType="company" entityId={company.id} />
            </>
          ) : (
            <CompanyForm key="new" />
          )
        }
      </QueryView>
    </section>
  );
}
