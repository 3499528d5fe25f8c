import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Outgoing call by typing a number or an extension. */
export function DialForm({ onDial }: { onDial: (number: string) => void }) {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = number.trim();
    if (!value) return;
    onDial(value);
    setNumber('');
  };
  return (
    <form className="softphone__dial" onSubmit={submit} data-testid="softphone-dial">
      <label className="visually-hidden" htmlFor={id}>
        {t('softphone.dialLabel')}
      </label>
      <input
        id={id}
        className="input"
        value={number}
        onChange={(e) => setNumber(e.target.value)}
        placeholder={t('softphone.dialPlaceholder')}
        inputMode="tel"
        autoComplete="off"
        data-testid="softphone-dial-input"
      />
      <button type="submit" className="btn btn--primary" data-testid="softphone-dial-submit">
        {t('softphone.call')}
      </button>
    </form>
  );
}
