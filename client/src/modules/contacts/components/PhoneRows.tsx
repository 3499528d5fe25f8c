import { useTranslation } from 'react-i18next';

import { newPhoneRow, type PhoneDraft } from '@client/modules/contacts/utils/contactDraft';

export function PhoneRows({ phones, onChange }: { phones: PhoneDraft[]; onChange: (phones: PhoneDraft[]) => void }) {
  const { t } = useTranslation();
  const update = (key: string, patch: Partial<PhoneDraft>) =>
    onChange(phones.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  return (
    <fieldset className="stack">
      <legend className="field__label">{t('contacts.phones')}</legend>
      {phones.map((phone, index) => (
        <div className="phone-row" key={phone.key}>
          <input
            className="input"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            aria-label={`${t('contacts.phone')} ${index + 1}`}
            placeholder={t('contacts.phonePlaceholder')}
            value={phone.raw}
            onChange={(e) => update(phone.key, { raw: e.target.value })}
            data-testid="contact-phone-input"
          />
          <input
            className="input"
            aria-label={`${t('contacts.phoneLabel')} ${index + 1}`}
            placeholder={t('contacts.phoneLabel')}
            value={phone.label}
            onChange={(e) => update(phone.key, { label: e.target.value })}
          />
          <button
            type="button"
            className="btn btn--ghost btn--danger btn--small"
            onClick={() => onChange(phones.filter((p) => p.key !== phone.key))}
            aria-label={`${t('common.remove')}: ${t('contacts.phone')} ${index + 1}`}
          >
            {t('common.remove')}
          </button>
        </div>
      ))}
      <div>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => onChange([...phones, newPhoneRow()])}
          data-testid="contact-add-phone"
        >
          {t('contacts.addPhone')}
        </button>
      </div>
    </fieldset>
  );
}
