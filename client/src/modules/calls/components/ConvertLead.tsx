import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ContactCallCard, type LeadCallCard } from '@contracts/dto/call-card';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { formatPhone } from '@client/i18n/format';
import { livePopApi } from '@client/modules/calls/api/livePopApi';
import { convertedCard } from '@client/modules/calls/utils/convertedCard';

/**
 * Lead → contact (and, if a title is typed, its first deal) in two clicks: "Convert" opens the fields, "Create contact"
 * does it in one step on the server, and the card becomes the contact's.
 */
export function ConvertLead({
  card,
  onConverted,
}: {
  card: LeadCallCard;
  onConverted: (card: ContactCallCard) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(card.lead.name ?? '');
  const [dealTitle, setDealTitle] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();

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
    const fallback = formatPhone(card.number.e164 ?? card.number.raw, locale);
    livePopApi
      .convertLead(card.lead.id, {
        contact: { name: name.trim() || fallback },
        deal: dealTitle.trim() ? { title: dealTitle.trim() } : undefined,
      })
      .then((result) => onConverted(convertedCard(card, result)))
      .catch((e: unknown) => {
        setError(e);
        setSaving(false);
      });
  };
  return (
    <form className="pop-actions__form" onSubmit={submit} data-testid="pop-convert-form">
      <label className="field__label" htmlFor={`${id}-name`}>
        {t('contacts.name')}
      </label>
      <input
        id={`${id}-name`}
        className="input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={t('livePop.namePlaceholder')}
        maxLength={200}
        autoFocus
        data-testid="pop-convert-name"
      />
      <label className="field__label" htmlFor={`${id}-deal`}>
        {t('records.firstDeal')}
      </label>
      <input
        id={`${id}-deal`}
        className="input"
        value={dealTitle}
        onChange={(e) => setDealTitle(e.target.value)}
        maxLength={200}
        data-testid="pop-convert-deal"
      />
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <button type="submit" className="btn btn--primary" disabled={saving} data-testid="pop-convert-save">
        {t('livePop.createContact')}
      </button>
    </form>
  );
}
