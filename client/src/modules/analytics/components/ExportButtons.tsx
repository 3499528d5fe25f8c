import { useTranslation } from 'react-i18next';

import { useLocale } from '@client/app/useLocale';
import { exportHref, type RangeInput } from '@client/modules/analytics/utils/analyticsRange';

/** Plain links: the browser downloads with the session cookie, and GET needs no CSRF header. */
export function ExportButtons({ report, range }: { report: string; range: RangeInput }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <span className="analytics-export">
      {(['csv', 'xlsx'] as const).map((format) => (
        <a
          key={format}
          className="btn btn--small btn--ghost"
          href={exportHref(report, range, format, locale)}
          download
          data-testid={`analytics-export-${report}-${format}`}
        >
          {t(`analytics.export.${format}`)}
        </a>
      ))}
    </span>
  );
}
