import { type CustomFieldDto, type CustomValues } from '@contracts/dto/custom-field';

type Field = Pick<CustomFieldDto, 'type' | 'options' | 'labelRu' | 'labelEn'>;

export const fieldLabel = (field: Pick<CustomFieldDto, 'labelRu' | 'labelEn'>, locale: string) =>
  locale === 'en' ? field.labelEn : field.labelRu;

const optionLabel = (field: Field, value: unknown, locale: string) => {
  const option = field.options.find((o) => o.value === value);
  return option ? fieldLabel(option, locale) : String(value);
};

/** A stored value as text for lists and the pop card; `yes` is the checkbox's word for true. */
export function formatCustomValue(field: Field, value: unknown, locale: string, yes: string): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'checkbox') return value === true ? yes : '';
  if (field.type === 'multiselect' && Array.isArray(value)) {
    return value.map((v) => optionLabel(field, v, locale)).join(', ');
  }
  if (field.type === 'select') return optionLabel(field, value, locale);
  if (field.type === 'date' && typeof value === 'string') {
    const [y, m, d] = value.split('-');
    return locale === 'en' ? value : `${d}.${m}.${y}`;
  }
  return String(value);
}

/** What an input holds for a value: text for most types, an array for multi-select, a boolean for checkboxes. */
export type CustomDraft = Record<string, string | string[] | boolean>;

export function toCustomDraft(fields: readonly CustomFieldDto[], values: CustomValues): CustomDraft {
  const draft: CustomDraft = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.type === 'checkbox') draft[f.key] = v === true;
    else if (f.type === 'multiselect') draft[f.key] = Array.isArray(v) ? v.map(String) : [];
    else draft[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return draft;
}

/**
 * The `custom` object of a request: every field of the form, typed as the server expects, an empty input as null
 * (clears the value). The server checks everything again and names the field it refuses.
 */
export function toCustomValues(fields: readonly CustomFieldDto[], draft: CustomDraft): CustomValues {
  const out: CustomValues = {};
  for (const f of fields) {
    const v = draft[f.key];
    if (f.type === 'checkbox') out[f.key] = v === true;
    else if (f.type === 'multiselect') out[f.key] = Array.isArray(v) && v.length ? v : null;
    else if (typeof v !== 'string' || v.trim() === '') out[f.key] = null;
    else if (f.type === 'number')
      out[f.key] = Number.isFinite(Number(v.replace(',', '.'))) ? Number(v.replace(',', '.')) : v;
    else out[f.key] = v.trim();
  }
  return out;
}
