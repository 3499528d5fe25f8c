import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { contactsApi } from '@client/api/crmApi';
import { useDebounced, useQuery } from '@client/app/useQuery';

/**
 * Choose a contact by typing part of a name or number: the first matches (those the viewer may see) fill the list,
 * and the current one stays in it. `value` null = no contact.
 */
export function ContactPicker({
  value,
  currentName,
  onChange,
  label,
}: {
  value: string | null;
  currentName: string | null;
  onChange: (id: string | null) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const found = useQuery(`contact-picker:${q}`, (signal) =>
    q.length >= 2 ? contactsApi.list({ q, limit: 10, offset: 0 }, signal) : Promise.resolve(null),
  );
  const options = (found.data?.items ?? []).filter((c) => c.id !== value);
  return (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-select`}>
        {label}
      </label>
      <input
        className="input"
        type="search"
        value={text}
        placeholder={t('contacts.searchPlaceholder')}
        aria-label={`${label}: ${t('common.search')}`}
        onChange={(e) => setText(e.target.value)}
        data-testid="contact-picker-search"
      />
      <select
        id={`${id}-select`}
        className="select"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid="contact-picker"
      >
        <option value="">{t('common.none')}</option>
        {value ? <option value={value}>{currentName ?? value}</option> : null}
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}
