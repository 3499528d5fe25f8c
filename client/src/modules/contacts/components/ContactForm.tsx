import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ContactDto } from '@contracts/dto/contact';
import { contactsApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, navigate } from '@client/app/router';
import { DuplicateWarning } from '@client/modules/contacts/components/DuplicateWarning';
import { PhoneRows } from '@client/modules/contacts/components/PhoneRows';
import { useCompanies } from '@client/modules/contacts/hooks/useCompanies';
import { type ContactDraft, toDraft, toRequest } from '@client/modules/contacts/utils/contactDraft';
import { Alert } from '@client/ui/Alert';
import { CustomFieldInputs, refusedCustomFields } from '@client/modules/customfields/components/CustomFieldInputs';
import { useCustomFields } from '@client/modules/customfields/hooks/useCustomFields';
import { type CustomDraft, toCustomDraft, toCustomValues } from '@client/modules/customfields/utils/customValue';

export function ContactForm({ contact }: { contact?: ContactDto }) {
  const { t } = useTranslation();
  const id = useId();
  const companies = useCompanies();
  const fields = useCustomFields('contact');
  const [draft, setDraft] = useState<ContactDraft>(() => toDraft(contact));
  // Edited values by key; a field not touched shows the contact's stored value.
  const [custom, setCustom] = useState<CustomDraft>({});
  const customDraft = { ...toCustomDraft(fields, contact?.custom ?? {}), ...custom };
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);
  const set = <K extends keyof ContactDraft>(key: K, value: ContactDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const body = { ...toRequest(draft), custom: toCustomValues(fields, customDraft) };
      if (contact) {
        const updated = await contactsApi.update(contact.id, body);
        setDraft(toDraft(updated));
        setCustom(toCustomDraft(fields, updated.custom));
        setSaved(true);
      } else {
        const created = await contactsApi.create(body);
        navigate(`/contacts/${encodeURIComponent(created.id)}`);
      }
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="card card__body" onSubmit={(e) => void submit(e)} noValidate data-testid="contact-form">
      {error ? (
        <Alert tone="error" testId="contact-form-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      {saved ? <Alert tone="success">{t('contacts.updated')}</Alert> : null}
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-name`}>
            {t('contacts.name')}
          </label>
          <input
            id={`${id}-name`}
            className="input"
            required
            maxLength={200}
            value={draft.name}
            onChange={(e) => set('name', e.target.value)}
            data-testid="contact-name-input"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-email`}>
            {t('contacts.email')}
          </label>
          <input
            id={`${id}-email`}
            className="input"
            type="email"
            autoComplete="off"
            value={draft.email}
            onChange={(e) => set('email', e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-company`}>
            {t('contacts.company')}
          </label>
          <select
            id={`${id}-company`}
            className="select"
            value={draft.companyId}
            onChange={(e) => set('companyId', e.target.value)}
            data-testid="contact-company-select"
          >
            <option value="">{t('common.none')}</option>
            {companies.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-tags`}>
            {t('contacts.tags')}
          </label>
          <input
            id={`${id}-tags`}
            className="input"
            aria-describedby={`${id}-tags-hint`}
            value={draft.tags}
            onChange={(e) => set('tags', e.target.value)}
            data-testid="contact-tags-input"
          />
          <span className="field__hint" id={`${id}-tags-hint`}>
            {t('contacts.tagsHint')}
          </span>
        </div>
      </div>
      <div className="form-section">
        <CustomFieldInputs
          fields={fields}
          draft={customDraft}
          onChange={(next) => {
            setCustom(next);
            setSaved(false);
          }}
          invalid={refusedCustomFields(error)}
        />
      </div>
      <div className="form-section">
        <PhoneRows phones={draft.phones} onChange={(phones) => set('phones', phones)} />
        <DuplicateWarning phones={draft.phones.map((p) => p.raw)} contactId={contact?.id} />
      </div>
      <div className="form-section">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.doNotCall}
            onChange={(e) => set('doNotCall', e.target.checked)}
            data-testid="contact-dnc-input"
          />
          <span>
            {t('contacts.doNotCall')} <span className="muted">— {t('contacts.doNotCallHint')}</span>
          </span>
        </label>
      </div>
      <div className="form-actions">
        <a className="btn" href={href('/contacts')}>
          {t('common.cancel')}
        </a>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={pending || !draft.name.trim()}
          data-testid="contact-save"
        >
          {pending ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
