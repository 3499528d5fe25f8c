import { useTranslation } from 'react-i18next';

import { type ImportJobDto } from '@contracts/dto/import';

/** Counts plus one table row per line that was not imported, with every reason. */
export function ImportReport({ job }: { job: ImportJobDto }) {
  const { t } = useTranslation();
  return (
    <div className="stack" data-testid="import-report">
      <p className="report-summary" role="status">
        <span className="badge badge--success" data-testid="import-imported">
          {t('imports.report.imported', { count: job.imported })}
        </span>
        <span className="badge badge--danger" data-testid="import-invalid">
          {t('imports.report.invalid', { count: job.invalid })}
        </span>
        <span className="badge badge--warning" data-testid="import-duplicates">
          {t('imports.report.duplicates', { count: job.duplicates })}
        </span>
      </p>
      {job.problems.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="import-problems">
            <caption className="visually-hidden">{t('imports.report.caption')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('imports.report.line')}
                </th>
                <th scope="col">{t('contacts.name')}</th>
                <th scope="col">{t('contacts.phone')}</th>
                <th scope="col">{t('imports.report.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {job.problems.map((p) => (
                <tr key={p.line} data-testid="import-problem" data-line={p.line} data-status={p.status}>
                  <td className="num">{p.line}</td>
                  <td>{p.name}</td>
                  <td>{p.phone}</td>
                  <td>
                    {p.status === 'failed'
                      ? t('imports.issues.failed')
                      : p.issues
                          .map((issue) =>
                            issue === 'duplicate-in-file'
                              ? t('imports.issues.duplicate-in-file', { line: p.duplicateOfLine })
                              : t(`imports.issues.${issue}`),
                          )
                          .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
