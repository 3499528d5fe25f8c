import { type ChangeEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import {
  IMPORT_FIELDS,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_COLUMNS,
  IMPORT_MAX_ROWS,
  type ImportField,
  type ImportJobDto,
  type ImportPreviewDto,
} from '@contracts/dto/import';
import { errorText } from '@client/api/errorText';
import { importsApi, uploadImport } from '@client/api/importsApi';
import { href } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { formatNumber } from '@client/i18n/format';
import { ImportReport } from '@client/modules/imports/components/ImportReport';
import { importLine, importReason } from '@client/modules/imports/utils/importReason';
import { Alert } from '@client/ui/Alert';
import { useCustomFields } from '@client/modules/customfields/hooks/useCustomFields';
import { fieldLabel } from '@client/modules/customfields/utils/customValue';
import '@client/styles/crm.css';

const REQUIRED: ReadonlySet<ImportField> = new Set(['name', 'phone']);
const POLL_MS = 400;

type Mapping = Record<ImportField, number | null> & { custom: Record<string, number> };

const initialMapping = (preview: ImportPreviewDto): Mapping => ({
  name: preview.suggestedMapping.name ?? null,
  phone: preview.suggestedMapping.phone ?? null,
  email: preview.suggestedMapping.email ?? null,
  tags: preview.suggestedMapping.tags ?? null,
  custom: { ...preview.suggestedCustom },
});

/** Upload → map columns → import with progress → per-row report. */
export function ContactsImport() {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const fields = useCustomFields('contact');
  const [uploadProgress, setUploadProgress] = useState<number | null>(null);
  const [preview, setPreview] = useState<ImportPreviewDto | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [job, setJob] = useState<ImportJobDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tooBig, setTooBig] = useState(false);

  const reset = () => {
    setPreview(null);
    setMapping(null);
    setJob(null);
    setError(null);
    setTooBig(false);
    setUploadProgress(null);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    reset();
    if (file.size > IMPORT_MAX_BYTES) {
      setTooBig(true);
      return;
    }
    setUploadProgress(0);
    try {
      const p = await uploadImport(file, setUploadProgress);
      setPreview(p);
      setMapping(initialMapping(p));
    } catch (err) {
      setError(err);
    } finally {
      setUploadProgress(null);
    }
  };

  const start = async () => {
    if (!preview || !mapping || mapping.name === null || mapping.phone === null) return;
    setError(null);
    try {
      setJob(await importsApi.start(preview.id, { ...mapping, name: mapping.name, phone: mapping.phone }));
    } catch (err) {
      setError(err);
    }
  };

  const jobId = job?.id;
  const running = job?.status === 'running';
  useEffect(() => {
    if (!jobId || !running) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      importsApi.get(jobId, controller.signal).then(setJob, (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      });
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [jobId, running]);

  const reason = importReason(error);
  const mapped = mapping && mapping.name !== null && mapping.phone !== null;

  return (
    <section aria-labelledby="import-title">
      <div className="page-header">
        <h1 id="import-title">{t('imports.title')}</h1>
        <a className="btn" href={href('/contacts')}>
          {t('imports.backToContacts')}
        </a>
      </div>
      <div className="card card__body import-steps">
        {tooBig || error ? (
          <Alert tone="error" testId="import-error">
            {tooBig
              ? t('imports.errors.IMPORT_FILE_TOO_LARGE', { mb: IMPORT_MAX_BYTES / 1024 / 1024 })
              : reason
                ? t(`imports.errors.${reason}`, {
                    mb: IMPORT_MAX_BYTES / 1024 / 1024,
                    rows: formatNumber(IMPORT_MAX_ROWS, locale),
                    columns: IMPORT_MAX_COLUMNS,
                    line: importLine(error),
                    defaultValue: errorText(t, error),
                  })
                : errorText(t, error)}
          </Alert>
        ) : null}

        {!job ? (
          <div className="field">
            <label className="field__label" htmlFor={`${id}-file`}>
              {t('imports.file')}
            </label>
            <input
              id={`${id}-file`}
              type="file"
              className="input"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby={`${id}-file-hint`}
              onChange={(e) => void onFile(e)}
              disabled={uploadProgress !== null}
              data-testid="import-file"
            />
            <span className="field__hint" id={`${id}-file-hint`}>
              {t('imports.fileHint', {
                mb: IMPORT_MAX_BYTES / 1024 / 1024,
                rows: formatNumber(IMPORT_MAX_ROWS, locale),
              })}
            </span>
          </div>
        ) : null}

        {uploadProgress !== null ? (
          <div className="field">
            <label className="field__label" htmlFor={`${id}-upload`}>
              {t('imports.uploading', { percent: Math.round(uploadProgress * 100) })}
            </label>
            <progress id={`${id}-upload`} className="progress" max={1} value={uploadProgress} />
          </div>
        ) : null}

        {preview && mapping && !job ? (
          <div className="stack" data-testid="import-mapping">
            <h2>{t('imports.mappingTitle', { file: preview.fileName, count: preview.rowCount })}</h2>
            <div className="mapping-grid">
              {IMPORT_FIELDS.map((field) => (
                <div className="field" key={field}>
                  <label className="field__label" htmlFor={`${id}-map-${field}`}>
                    {t(`imports.fields.${field}`)}
                    {REQUIRED.has(field) ? ` (${t('imports.required')})` : ''}
                  </label>
                  <select
                    id={`${id}-map-${field}`}
                    className="select"
                    value={mapping[field] ?? ''}
                    required={REQUIRED.has(field)}
                    onChange={(e) =>
                      setMapping({ ...mapping, [field]: e.target.value === '' ? null : Number(e.target.value) })
                    }
                    data-testid={`import-map-${field}`}
                  >
                    <option value="">{t('imports.notMapped')}</option>
                    {preview.columns.map((col, i) => (
                      <option key={`${i}:${col}`} value={i}>
                        {col}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
              {fields.map((field) => (
                <div className="field" key={`custom-${field.key}`}>
                  <label className="field__label" htmlFor={`${id}-map-custom-${field.key}`}>
                    {fieldLabel(field, locale)}
                  </label>
                  <select
                    id={`${id}-map-custom-${field.key}`}
                    className="select"
                    value={mapping.custom[field.key] ?? ''}
                    onChange={(e) => {
                      const custom = { ...mapping.custom };
                      if (e.target.value === '') delete custom[field.key];
                      else custom[field.key] = Number(e.target.value);
                      setMapping({ ...mapping, custom });
                    }}
                    data-testid={`import-map-custom-${field.key}`}
                  >
                    <option value="">{t('imports.notMapped')}</option>
                    {preview.columns.map((col, i) => (
                      <option key={`${i}:${col}`} value={i}>
                        {col}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
            <div className="table-wrap">
              <table className="table" data-testid="import-sample">
                <caption className="visually-hidden">{t('imports.sample')}</caption>
                <thead>
                  <tr>
                    {preview.columns.map((col, i) => (
                      <th key={`${i}:${col}`} scope="col">
                        {col}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.sample.map((row, r) => (
                    <tr key={r}>
                      {preview.columns.map((col, i) => (
                        <td key={`${i}:${col}`}>{row[i] ?? ''}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="form-actions">
              <button type="button" className="btn" onClick={reset}>
                {t('common.cancel')}
              </button>
              <button
                type="button"
                className="btn btn--primary"
                disabled={!mapped}
                onClick={() => void start()}
                data-testid="import-start"
              >
                {t('imports.start', { count: preview.rowCount })}
              </button>
            </div>
          </div>
        ) : null}

        {job ? (
          <div className="stack">
            <div className="field">
              <label className="field__label" htmlFor={`${id}-progress`}>
                {job.status === 'running'
                  ? t('imports.progress', { processed: job.processed, total: job.total })
                  : job.status === 'failed'
                    ? t('imports.failed')
                    : t('imports.done', { processed: job.processed, total: job.total })}
              </label>
              <progress
                id={`${id}-progress`}
                className="progress"
                max={Math.max(job.total, 1)}
                value={job.processed}
                data-testid="import-progress"
                data-status={job.status}
              />
            </div>
            {job.status !== 'running' ? <ImportReport job={job} /> : null}
            {job.status !== 'running' ? (
              <div className="form-actions">
                <button type="button" className="btn" onClick={reset} data-testid="import-again">
                  {t('imports.again')}
                </button>
                <a className="btn btn--primary" href={href('/contacts')}>
                  {t('imports.backToContacts')}
                </a>
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
