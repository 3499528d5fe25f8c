import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/** A list's growing search box (its label read by screen readers only), for the `toolbar` above the list. */
export function SearchField({
  value,
  onChange,
  placeholder,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field field--grow">
      <label className="visually-hidden" htmlFor={id}>
        {t('common.search')}
      </label>
      <input
        id={id}
        type="search"
        className="input input--search"
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </div>
  );
}
