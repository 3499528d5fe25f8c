import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { type CustomFieldDto } from '@contracts/dto/custom-field';
import { ApiError } from '@client/api/http';
import { useLocale } from '@client/app/useLocale';
import { type CustomDraft, fieldLabel } from '@client/modules/customfields/utils/customValue';

const INPUT_TYPE: Partial<Record<CustomFieldDto['type'], string>> = {
  number: 'number',
  date: 'date',
  email: 'email',
  url: 'url',
  phone: 'tel',
};

/** The fields the server refused in `error` (details `custom.<key>`), by key. */
export function refusedCustomFields(error: unknown): Set<string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return new Set();
  return new Set(
    (error.details as { field?: unknown }[])
      .map((d) => (typeof d.field === 'string' && d.field.startsWith('custom.') ? d.field.slice(7) : null))
      .filter((k): k is string => k !== null),
  );
}

/** Inputs for a record's custom fields, in the admin's order; a refused field is marked invalid. */
export function CustomFieldInputs({
  fields,
  draft,
  onChange,
  invalid,
}: {
  fields: readonly CustomFieldDto[];
  draft: CustomDraft;
  onChange: (draft: CustomDraft) => void;
  invalid: ReadonlySet<string>;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  if (fields.length === 0) return null;
  const set = (key: string, value: CustomDraft[string]) => onChange({ ...draft, [key]: value });
  return (
    <div className="form-grid" data-testid="custom-fields">
      {fields.map((f) => {
        const inputId = `${id}-${f.key}`;
        const label = `${fieldLabel(f, locale)}${f.required ? ' *' : ''}`;
        const common = {
          id: inputId,
          'aria-invalid': invalid.has(f.key) || undefined,
          'data-testid': `custom-field-${f.key}`,
        };
        if (f.type === 'checkbox') {
          return (
            <label key={f.key} className="checkbox">
              <input
                {...common}
                type="checkbox"
                checked={draft[f.key] === true}
                onChange={(e) => set(f.key, e.target.checked)}
              />
              <span>{label}</span>
            </label>
          );
        }
        return (
          <div key={f.key} className="field">
            <label className="field__label" htmlFor={inputId}>
              {label}
            </label>
            {f.type === 'select' ? (
              <select
                {...common}
                className="select"
                value={String(draft[f.key] ?? '')}
                onChange={(e) => set(f.key, e.target.value)}
              >
                <option value="">{t('common.none')}</option>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {fieldLabel(o, locale)}
                  </option>
                ))}
              </select>
            ) : f.type === 'multiselect' ? (
              <select
                {...common}
                className="select"
                multiple
                value={Array.isArray(draft[f.key]) ? (draft[f.key] as string[]) : []}
                onChange={(e) =>
                  set(
                    f.key,
                    [...e.target.selectedOptions].map((o) => o.value),
                  )
                }
              >
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {fieldLabel(o, locale)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                className="input"
                type={INPUT_TYPE[f.type] ?? 'text'}
                value={String(draft[f.key] ?? '')}
                required={f.required}
                onChange={(e) => set(f.key, e.target.value)}
              />
            )}
            {invalid.has(f.key) ? (
              <span className="field__error" role="alert">
                {t('customFields.invalidValue')}
              </span>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
