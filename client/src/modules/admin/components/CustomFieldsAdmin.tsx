import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  CUSTOM_FIELD_ENTITIES,
  CUSTOM_FIELD_TYPES,
  type CustomFieldEntity,
  type CustomFieldOption,
  type CustomFieldType,
} from '@contracts/dto/custom-field';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { adminApi } from '@client/modules/admin/api/adminApi';
import { fieldLabel } from '@client/modules/customfields/utils/customValue';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

/** "basic=Базовый=Basic; pro=Про=Pro" → options (value = ru label = en label; labels default to the value). */
export function parseOptions(text: string): CustomFieldOption[] {
  return text
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [value = '', ru, en] = part.split('=').map((s) => s.trim());
      return { value, labelRu: ru || value, labelEn: en || ru || value };
    });
}

const hasChoices = (type: CustomFieldType) => type === 'select' || type === 'multiselect';

/** Custom fields per record type: add, flag for the pop card, remove (values kept), restore, purge. */
export function CustomFieldsAdmin() {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const fields = useQuery('admin:fields', (signal) => adminApi.fields(signal));
  const [entity, setEntity] = useState<CustomFieldEntity>('contact');
  const [type, setType] = useState<CustomFieldType>('text');
  const [key, setKey] = useState('');
  const [labelRu, setLabelRu] = useState('');
  const [labelEn, setLabelEn] = useState('');
  const [options, setOptions] = useState('');
  const [required, setRequired] = useState(false);
  const [onCard, setOnCard] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      fields.reload();
    } catch (err) {
      setError(err);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const position = (fields.data ?? []).filter((f) => f.entity === entity).length;
      await adminApi.createField({
        entity,
        key,
        type,
        labelRu,
        labelEn: labelEn || labelRu,
        required,
        onCard,
        position,
        options: hasChoices(type) ? parseOptions(options) : [],
      });
      setKey('');
      setLabelRu('');
      setLabelEn('');
      setOptions('');
    });
  };
  const input = (name: string, value: string, set: (v: string) => void, testId: string) => (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${testId}`}>
        {name}
      </label>
      <input
        id={`${id}-${testId}`}
        className="input"
        value={value}
        onChange={(e) => set(e.target.value)}
        data-testid={testId}
      />
    </div>
  );
  return (
    <div className="stack">
      <form className="card card__body" onSubmit={create} data-testid="new-field-form">
        <h2>{t('admin.fields.new')}</h2>
        {error ? (
          <Alert tone="error" testId="new-field-error">
            {errorText(t, error)}
          </Alert>
        ) : null}
        <div className="form-grid">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-entity`}>
              {t('admin.fields.entity')}
            </label>
            <select
              id={`${id}-entity`}
              className="select"
              value={entity}
              onChange={(e) => setEntity(e.target.value as CustomFieldEntity)}
              data-testid="new-field-entity"
            >
              {CUSTOM_FIELD_ENTITIES.map((x) => (
                <option key={x} value={x}>
                  {t(`admin.fields.entities.${x}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-type`}>
              {t('admin.fields.type')}
            </label>
            <select
              id={`${id}-type`}
              className="select"
              value={type}
              onChange={(e) => setType(e.target.value as CustomFieldType)}
              data-testid="new-field-type"
            >
              {CUSTOM_FIELD_TYPES.map((x) => (
                <option key={x} value={x}>
                  {t(`admin.fields.types.${x}`)}
                </option>
              ))}
            </select>
          </div>
          {input(t('admin.fields.key'), key, setKey, 'new-field-key')}
          {input(t('admin.fields.labelRu'), labelRu, setLabelRu, 'new-field-label-ru')}
          {input(t('admin.fields.labelEn'), labelEn, setLabelEn, 'new-field-label-en')}
          {hasChoices(type) ? input(t('admin.fields.options'), options, setOptions, 'new-field-options') : null}
        </div>
        <p className="field__hint">{t('admin.fields.keyHint')}</p>
        <label className="checkbox">
          <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />
          <span>{t('admin.fields.required')}</span>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onCard}
            onChange={(e) => setOnCard(e.target.checked)}
            data-testid="new-field-on-card"
          />
          <span>{t('admin.fields.onCard')}</span>
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" data-testid="new-field-save">
            {t('admin.fields.create')}
          </button>
        </div>
      </form>
      <QueryView {...fields} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <DataTable
            testId="fields-table"
            columns={[
              { label: t('admin.fields.entity') },
              { label: t('admin.fields.label') },
              { label: t('admin.fields.key') },
              { label: t('admin.fields.type') },
              { label: t('admin.fields.flags') },
              { label: '' },
            ]}
          >
            {items.map((f) => (
              <tr key={f.id} data-testid="field-row" data-key={f.key}>
                <td>{t(`admin.fields.entities.${f.entity}`)}</td>
                <td>{fieldLabel(f, locale)}</td>
                <td>
                  <code>{f.key}</code>
                </td>
                <td>{t(`admin.fields.types.${f.type}`)}</td>
                <td>
                  {[f.required ? t('admin.fields.required') : '', f.onCard ? t('admin.fields.onCard') : '']
                    .filter(Boolean)
                    .join(', ')}
                  {f.removedAt ? <span className="badge badge--danger">{t('admin.fields.removed')}</span> : null}
                </td>
                <td className="row-actions">
                  {f.removedAt ? (
                    <>
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => void run(() => adminApi.restoreField(f.id))}
                      >
                        {t('admin.fields.restore')}
                      </button>
                      <button
                        type="button"
                        className="btn btn--small btn--danger"
                        onClick={() => {
                          if (window.confirm(t('admin.fields.purgeConfirm'))) void run(() => adminApi.purgeField(f.id));
                        }}
                      >
                        {t('admin.fields.purge')}
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => void run(() => adminApi.updateField(f.id, { onCard: !f.onCard }))}
                      >
                        {f.onCard ? t('admin.fields.offCard') : t('admin.fields.toCard')}
                      </button>
                      <button
                        type="button"
                        className="btn btn--small btn--danger"
                        onClick={() => void run(() => adminApi.removeField(f.id))}
                      >
                        {t('admin.fields.remove')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </div>
  );
}
