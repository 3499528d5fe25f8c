import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type LeadCallCard } from '@contracts/dto/call-card';
import { type ContactDto } from '@contracts/dto/contact';
import { errorText } from '@client/api/errorText';
import { href } from '@client/app/router';
import { livePopApi } from '@client/modules/calls/api/livePopApi';

/** Lead → contact in two clicks: "Convert" opens the name field, "Create contact" does it. */
export function ConvertLead({ card }: { card: LeadCallCard }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [contact, setContact] = useState<ContactDto | null>(null);
  const nameId = useId();

  if (contact) {
    return (
      <p className="alert alert--success" role="status" data-testid="pop-converted">
        {t('livePop.converted')} <a href={href(`/contacts/${encodeURIComponent(contact.id)}`)}>{contact.name}</a>
      </p>
    );
  }
  if (!open) {
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="pop-convert">
        {t('livePop.convertToContact')}
      </button>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const phone = card.number.e164 ?? card.number.raw;
    livePopApi
      .convertLead(card.lead.id, {
        name: name.trim() || phone,
        phones: [{ raw: phone, label: null }],
      })
      .then(setContact)
      .catch((e: unknown) => {
        setError(e);
        setSaving(false);
      });
  };
  return (
    <form className="pop-actions__form" onSubmit={submit} data-testid="pop-convert-form">
      <label className="field__label" htmlFor={nameId}>
        {t('contacts.name')}
      </label>
      <input
        id={nameId}
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={t('livePop.namePlaceholder')}
        maxLength={200}
        autoFocus
        data-testid="pop-convert-name"
      />
      {error ? (
        <p className="alert alert--danger" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <button type="submit" className="btn btn--primary" disabled={saving} data-testid="pop-convert-save">
        {t('livePop.createContact')}
      </button>
    </form>
  );
}
